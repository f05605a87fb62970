//! Where a request may go: each path parameter fills exactly one segment of its operation's
//! path, under the client's base URL, or the request is not sent.
//!
//! Two halves, because neither is enough alone. [`encode_segment`] (which the generated code
//! calls for every path parameter, see `codegen/paths.rs`) percent-encodes every character
//! but the unreserved ones, so that `/`, `\`, `?`, `#` or `%` in a value cannot end its segment.
//! But no encoding saves `.`, `..` or an empty value: URL parsers resolve dot segments, and
//! their percent-encoded forms (`%2e%2e`) too. So [`check`] looks at the URL as reqwest will
//! send it and refuses it unless it is the base URL followed by the operation's path template
//! with one non-empty segment per parameter. It runs in the request hook (`pre`), which every
//! generated operation and the hand-written upload go through, before anything is sent: the
//! bearer token never goes to a path the caller did not aim at.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 - . _ ~`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` percent-encoded to stand as one path segment.
pub(crate) fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// The base URL's parts that every request's URL must repeat.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    scheme: String,
    host: String,
    port: Option<u16>,
    /// The base URL's path without its trailing `/` (empty for a bare host).
    path: String,
}

impl Base {
    /// The parts of `base_url`, already checked to be an absolute http(s) URL.
    pub(crate) fn new(base_url: &url::Url) -> Base {
        Base {
            scheme: base_url.scheme().to_string(),
            host: base_url.host_str().unwrap_or_default().to_string(),
            port: base_url.port_or_known_default(),
            path: base_url.path().trim_end_matches('/').to_string(),
        }
    }

    fn is_origin_of(&self, url: &url::Url) -> bool {
        url.scheme() == self.scheme
            && url.host_str() == Some(self.host.as_str())
            && url.port_or_known_default() == self.port
    }
}

/// `Ok` when `url` is `base` followed by `template` (such as `/v1/proposals/bynumber/{number}`)
/// with each `{parameter}` filled by exactly one non-empty segment (`url` is parsed, so a dot
/// segment has already been resolved away and shows as a missing segment). Otherwise the
/// reason, naming the parameter that does not fit (never its value).
pub(crate) fn check(base: &Base, template: &str, url: &url::Url) -> Result<(), String> {
    if !base.is_origin_of(url) {
        return Err("the request's URL is not under the client's base URL".to_string());
    }
    let Some(rest) = url.path().strip_prefix(&base.path) else {
        return Err("the request's URL is not under the client's base URL's path".to_string());
    };
    let Some(first_wrong) = first_difference(rest, template) else {
        return Ok(());
    };
    let parameters: Vec<(usize, &str)> = template
        .split('/')
        .enumerate()
        .filter_map(|(at, w)| parameter(w).map(|name| (at, name)))
        .collect();
    let culprit = parameters
        .iter()
        .find(|(at, _)| *at >= first_wrong)
        .or(parameters.last());
    Err(match culprit {
        Some((_, name)) => format!(
            "the path parameter `{name}` does not stay one path segment \
             (an empty value, `.` and `..` are refused: they would change the path)"
        ),
        None => format!("the request's path is not the operation's path `{template}`"),
    })
}

/// The index of the first segment of `sent` that does not fit `template`, or `None` when
/// all do. Runs on every request: no allocation, and no splitter (a plain scan is a few times
/// cheaper on paths this short).
fn first_difference(sent: &str, template: &str) -> Option<usize> {
    let (mut sent, mut wanted) = (Some(sent), Some(template));
    for at in 0.. {
        let (s, w) = match (sent, wanted) {
            (None, None) => return None,
            (Some(s), Some(w)) => (s, w),
            // A resolved dot segment shortens the path: the first difference is then at or
            // before the parameter that held it.
            _ => return Some(at),
        };
        let (s, s_rest) = next_segment(s);
        let (w, w_rest) = next_segment(w);
        let fits = match parameter(w) {
            // The URL is parsed: its dot segments are resolved already, so a parameter that
            // held one shows as a missing or empty segment.
            Some(_) => !s.is_empty(),
            None => s == w,
        };
        if !fits {
            return Some(at);
        }
        (sent, wanted) = (s_rest, w_rest);
    }
    None
}

/// The segment `path` starts with, and what follows its `/` (`None` after the last one).
fn next_segment(path: &str) -> (&str, Option<&str>) {
    match path.as_bytes().iter().position(|b| *b == b'/') {
        Some(end) => (&path[..end], Some(&path[end + 1..])),
        None => (path, None),
    }
}

/// `name` for a template segment `{name}`.
fn parameter(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> Base {
        Base::new(&url::Url::parse(url).expect("base"))
    }

    /// What reqwest does to the URL the generated code formats.
    fn sent(base_url: &str, template: &str, value: &str) -> url::Url {
        let path = template.replace("{number}", &encode_segment(value));
        url::Url::parse(&format!("{base_url}{path}")).expect("url")
    }

    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(encode_segment("CCB 2023/0042#1"), "CCB%202023%2F0042%231");
        assert_eq!(encode_segment(r"a\b"), "a%5Cb");
        assert_eq!(encode_segment("%2e%2e"), "%252e%252e");
        assert_eq!(encode_segment("?x=1&y;z"), "%3Fx%3D1%26y%3Bz");
        assert_eq!(encode_segment("ação"), "a%C3%A7%C3%A3o");
        assert_eq!(encode_segment("A-z_0.9~"), "A-z_0.9~");
    }

    #[test]
    fn values_that_would_leave_their_segment_are_refused() {
        let template = "/v1/proposals/bynumber/{number}";
        for base_url in ["http://127.0.0.1:9", "http://127.0.0.1:9/api"] {
            let b = base(base_url);
            for value in ["", ".", "..", "%2e", "%2E%2e"] {
                // Encoded, `%2e` is no longer a dot segment: only the plain forms remain.
                let url = sent(base_url, template, value);
                let outcome = check(&b, template, &url);
                if value.contains('%') {
                    assert_eq!(outcome, Ok(()), "{value:?} under {base_url}");
                    continue;
                }
                let error = outcome.expect_err(value);
                assert!(error.contains("`number`"), "{value:?}: {error}");
            }
            for value in [
                r"..\..\..\..\admin",
                "../admin",
                "...",
                "a/../../b",
                "CCB-1",
            ] {
                let url = sent(base_url, template, value);
                assert_eq!(check(&b, template, &url), Ok(()), "{value:?}: {url}");
                assert!(url.path().starts_with(&format!("{}/v1/", b.path)), "{url}");
            }
        }
    }

    #[test]
    fn the_parameter_named_is_the_one_that_moved() {
        let template = "/v1/documents/{document_id}/signers/bykey/{key}";
        let b = base("http://h/api");
        let at = |path: &str| url::Url::parse(&format!("http://h/api{path}")).expect("url");
        let named = |path| check(&b, template, &at(path)).expect_err(path);
        assert!(named("/v1/documents/7/signers/bykey/..").contains("`key`"));
        assert!(named("/v1/documents/../signers/bykey/k").contains("`document_id`"));
        assert!(named("/v1/documents/7/signers/bykey/").contains("`key`"));
        assert_eq!(
            check(&b, template, &at("/v1/documents/7/signers/bykey/k")),
            Ok(())
        );
    }

    #[test]
    fn only_the_base_urls_origin_and_path() {
        let b = base("http://h:8080/api");
        let template = "/v1/batches";
        let refused = |url: &str| check(&b, template, &url::Url::parse(url).expect("url"));
        assert!(refused("http://h:8080/api/v1/batches").is_ok());
        assert!(refused("http://h:8080/api/v1/batches?page=2").is_ok());
        assert!(refused("http://h:8081/api/v1/batches").is_err());
        assert!(refused("https://h:8080/api/v1/batches").is_err());
        assert!(refused("http://h:8080/v1/batches").is_err());
        assert!(refused("http://h:8080/apix/v1/batches").is_err());
        assert!(refused("http://h:8080/api/v1/batches/").is_err());
    }
}
