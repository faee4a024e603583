pub mod plaintext_secret;
