//! The client's configuration: builder errors, base URLs, the token's secrecy.

use std::time::Duration;

use crate::common::{strict_server, TOKEN};
use securities_api::{Client, ConfigError, Environment};
use wiremock::{matchers, Mock, ResponseTemplate};

#[test]
fn builder_needs_a_token() {
    let error = Client::builder().build().expect_err("no token");
    assert!(matches!(error, ConfigError::MissingToken), "{error:?}");
    assert!(error.to_string().contains("SECURITIES_TOKEN"), "{error}");
}

#[test]
fn builder_rejects_tokens_that_are_not_header_values() {
    for token in ["", "   ", "line\nbreak", "nul\0"] {
        let error = Client::builder().token(token).build().expect_err(token);
        assert!(
            matches!(error, ConfigError::InvalidToken),
            "{token:?}: {error:?}"
        );
        assert!(!error.to_string().contains(token.trim()) || token.trim().is_empty());
    }
}

#[test]
fn builder_rejects_invalid_base_urls() {
    for url in [
        "",
        "not a url",
        "ftp://example.com",
        "/relative/path",
        "http://",
        "https://host/?q=1",
    ] {
        let error = Client::builder()
            .token("t")
            .base_url(url)
            .build()
            .expect_err(url);
        match &error {
            ConfigError::InvalidBaseUrl { url: given, reason } => {
                assert_eq!(given, url);
                assert!(!reason.is_empty());
            }
            other => panic!("{url:?}: {other:?}"),
        }
        assert!(error.to_string().contains("invalid base URL"), "{error}");
    }
}

#[test]
fn builder_rejects_an_invalid_user_agent() {
    let error = Client::builder()
        .token("t")
        .user_agent("bad\nagent")
        .build()
        .expect_err("ua");
    assert!(
        matches!(error, ConfigError::InvalidUserAgent(_)),
        "{error:?}"
    );
}

/// Every environment's name, as messages list them: `production, staging, ...`.
fn environment_names() -> String {
    let names: Vec<&str> = Environment::ALL.iter().map(|e| e.name()).collect();
    names.join(", ")
}

#[test]
fn production_is_the_default() {
    let client = Client::builder().token("t").build().expect("client");
    // Production's URL is the spec's (`environments_take_their_urls_from_the_spec`).
    assert_eq!(client.base_url(), Environment::Production.base_url());
    assert_eq!(client.environment(), Some(Environment::Production));
    assert_eq!(Environment::default(), Environment::Production);
}

#[test]
fn every_environment_is_selectable_by_name() {
    // The names and URLs are the spec's (`environments_take_their_urls_from_the_spec`).
    for &environment in Environment::ALL {
        let (name, url) = (environment.name(), environment.base_url());
        let parsed: Environment = name.parse().expect(name);
        assert_eq!(parsed, environment, "{name}");
        assert_eq!(environment.name(), name);
        assert_eq!(environment.to_string(), name);
        assert_eq!(environment.base_url(), url);
        // In any case, and `_` for `-`, as an environment variable would say it.
        let shouted = name.to_uppercase().replace('-', "_");
        assert_eq!(
            shouted.parse::<Environment>().ok(),
            Some(environment),
            "{shouted}"
        );
        let client = Client::builder()
            .token("t")
            .environment(parsed)
            .build()
            .expect("client");
        assert_eq!(client.base_url(), url, "{name}");
        assert_eq!(client.environment(), Some(environment), "{name}");
    }
    for wrong in ["homologacao", "prod", "sandbox", "api", ""] {
        let error = wrong.parse::<Environment>().expect_err(wrong);
        assert!(
            matches!(&error, ConfigError::InvalidEnvironment(given) if given == wrong),
            "{wrong:?}: {error:?}"
        );
    }
}

#[test]
fn a_base_url_wins_over_the_environment() {
    let client = Client::builder()
        .token("t")
        .environment(Environment::ApiStaging)
        .base_url("http://127.0.0.1:9/api/")
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
    assert_eq!(client.environment(), None);
}

/// `Client::from_env` reads `SECURITIES_ENV`. The only test of the suite that touches the
/// process's environment (the others never read it, and the `cli` tests run the binary with
/// the `SECURITIES_*` variables removed).
#[test]
fn securities_env_names_every_environment() {
    std::env::remove_var("SECURITIES_BASE_URL");
    std::env::set_var("SECURITIES_TOKEN", "t");
    std::env::remove_var("SECURITIES_ENV");
    let default = Client::from_env().expect("client");
    assert_eq!(default.environment(), Some(Environment::Production));
    assert_eq!(default.base_url(), Environment::Production.base_url());
    for &environment in Environment::ALL {
        let (name, url) = (environment.name(), environment.base_url());
        std::env::set_var("SECURITIES_ENV", name);
        let client = Client::from_env().expect(name);
        assert_eq!(client.environment(), Some(environment), "{name}");
        assert_eq!(client.base_url(), url, "{name}");
    }
    std::env::set_var("SECURITIES_ENV", "homologacao");
    let error = Client::from_env().expect_err("unknown");
    assert!(
        matches!(&error, ConfigError::InvalidEnvironment(name) if name == "homologacao"),
        "{error:?}"
    );
    assert!(error.to_string().contains(&environment_names()), "{error}");
    let last = Environment::ALL.last().expect("an environment").name();
    std::env::set_var("SECURITIES_ENV", last);
    std::env::set_var("SECURITIES_BASE_URL", "http://127.0.0.1:9/api/");
    let custom = Client::from_env().expect("client");
    assert_eq!(custom.base_url(), "http://127.0.0.1:9/api");
    assert_eq!(custom.environment(), None);
    for name in ["SECURITIES_ENV", "SECURITIES_BASE_URL", "SECURITIES_TOKEN"] {
        std::env::remove_var(name);
    }
}

#[test]
fn environments_take_their_urls_from_the_spec() {
    // The URLs are the spec's servers, in order, not typed a second time.
    let servers: Vec<&str> = crate::common::spec()["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .map(|s| s["url"].as_str().expect("url"))
        .collect();
    let names: Vec<&str> = crate::common::spec()["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .map(|s| s["x-environment"].as_str().expect("x-environment"))
        .collect();
    let urls: Vec<&str> = Environment::ALL.iter().map(|e| e.base_url()).collect();
    let all_names: Vec<&str> = Environment::ALL.iter().map(|e| e.name()).collect();
    assert_eq!(servers, urls);
    assert_eq!(names, all_names);
}

#[tokio::test]
async fn https_is_compiled_in() {
    // Without a TLS backend reqwest only fails when a request is sent ("scheme is not http").
    // Here a TCP server accepts and hangs up: the client must get as far as a TLS handshake.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            drop(stream);
        }
    });
    let client = Client::builder()
        .token("t")
        .base_url(format!("https://{addr}/api/"))
        .retry_policy(securities_api::RetryPolicy::disabled())
        .build()
        .expect("client");
    assert_eq!(client.base_url(), format!("https://{addr}/api"));
    let error = client
        .list_batches()
        .call()
        .await
        .expect_err("no TLS server there");
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain.push_str(&format!(" <- {cause}"));
        source = cause.source();
    }
    assert_eq!(error.kind(), securities_api::ErrorKind::Connect, "{chain}");
    assert!(!chain.contains("scheme"), "https is not supported: {chain}");
}

#[test]
fn debug_output_never_shows_the_token() {
    let secret = "s3cr3t-token-that-must-not-leak";
    let builder = Client::builder()
        .token(secret)
        .base_url("http://127.0.0.1:1");
    assert!(!format!("{builder:?}").contains(secret), "{builder:?}");
    let client = builder.build().expect("client");
    let debug = format!("{client:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(!format!("{client:#?}").contains(secret));
}

#[tokio::test]
async fn trailing_slash_and_prefix_give_single_slash_paths() {
    let server = strict_server().await;
    Mock::given(matchers::method("GET"))
        .and(matchers::path("/api/v1/batches/402"))
        .and(matchers::header(
            "authorization",
            format!("Bearer {TOKEN}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"batch": {"id": 402}})),
        )
        .expect(2)
        .mount(&server)
        .await;
    for base in [
        format!("{}/api/", server.uri()),
        format!("{}/api//", server.uri()),
    ] {
        let client = Client::builder()
            .token(TOKEN)
            .base_url(base)
            .build()
            .expect("client");
        let batch = client
            .get_batch()
            .id(402)
            .send()
            .await
            .expect("answer")
            .into_inner()
            .batch;
        assert_eq!(batch.id, 402);
        assert_eq!(batch.status, None);
    }
}

#[tokio::test]
async fn timeout_is_applied() {
    let server = strict_server().await;
    Mock::given(matchers::any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let error = client
        .list_assignments()
        .send()
        .await
        .expect_err("times out");
    match error {
        securities_api::SendError::CommunicationError(e) => assert!(e.is_timeout(), "{e:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn user_agent_is_sent() {
    let server = strict_server().await;
    Mock::given(matchers::header("user-agent", "my-back-office/2.1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .user_agent("my-back-office/2.1")
        .build()
        .expect("client");
    let list = client
        .list_assignments()
        .send()
        .await
        .expect("answer")
        .into_inner();
    assert!(list.0.is_empty());
}
