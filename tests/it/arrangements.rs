//! Arrangements (Arranjos): `/v1/arrangements`.

use crate::common::check_operations;

check_operations!(list_arrangements, get_arrangement);
