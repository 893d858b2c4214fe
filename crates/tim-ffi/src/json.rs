//! The JSON texts the callbacks deliver, made from the tim-types models.

use serde::Serialize;
use tim_types::ConvInfo;

/// JSON of any model; the models cannot fail to serialize (no maps with non-string keys).
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| String::from("null"))
}

/// JSON of one ConvInfo.
pub fn conv_info(info: &ConvInfo) -> String {
    to_json(info)
}

/// JSON array of ConvInfo.
pub fn conv_list(list: &[ConvInfo]) -> String {
    to_json(list)
}
