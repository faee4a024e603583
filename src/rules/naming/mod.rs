pub mod mixed_case_identifier;
