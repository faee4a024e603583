pub mod json_not_jsonb;
pub mod serial_not_identity;
pub mod text_without_length_check;
pub mod timestamp_without_tz;
pub mod unbounded_varchar;
