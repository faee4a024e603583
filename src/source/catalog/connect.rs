//! Opening the connection: each `sslmode` mapped to the TLS behaviour libpq gives it
//! (rustls through tokio-postgres-rustls: no system OpenSSL needed), the session made
//! read-only, and failures turned into one-line messages that say what to do.
//!
//! **The search path is pinned before anything runs**: the startup packet carries
//! `-c search_path=pg_catalog,pg_temp` after any `options` the user gave, and a
//! client's startup options outrank `ALTER DATABASE/ROLE … SET search_path`, so no
//! schema a database owner controls is ever searched (see `queries.rs`).
//!
//! **The password never reaches a message**: messages are built from the parts that
//! are not secret (host, port, user, database, the server's or the operating system's
//! text), never from the connection string, and never masked character by character.

use super::conninfo::{ConnInfo, Host, SslMode};
use postgres::config::SslMode as PgSslMode;
use postgres::{Client, Config, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;
use std::time::Duration;

/// The startup option that pins the search path (appended after the user's
/// `options`, so it wins).
pub const PIN_SEARCH_PATH: &str = "-c search_path=pg_catalog,pg_temp";

/// The largest value PostgreSQL accepts for a timeout setting, in milliseconds
/// (`statement_timeout` and friends are `int` milliseconds).
pub const MAX_TIMEOUT_MS: u128 = i32::MAX as u128;

/// Limits for the inspection session.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub statement_timeout: Duration,
    pub lock_timeout: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            statement_timeout: Duration::from_secs(60),
            lock_timeout: Duration::from_secs(3),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(pub String);

/// What a session is for: reading a catalog (the search path pinned), or running
/// migrations (`dblint trace`: the server's own search path, and the server's
/// messages handed to `on_notice`).
#[derive(Clone, Default)]
pub struct SessionKind {
    pub migrations: bool,
    pub on_notice: Option<Arc<dyn Fn(postgres::error::DbError) + Send + Sync>>,
}

fn pg_config(info: &ConnInfo, ssl: PgSslMode, kind: &SessionKind) -> Config {
    let mut config = Config::new();
    for (host, port) in info.targets() {
        match host {
            Host::Tcp(h) => config.host(&h),
            Host::Unix(p) => config.host_path(p),
        };
        config.port(port);
    }
    config.user(&info.effective_user());
    config.dbname(&info.effective_dbname());
    if let Some(pw) = &info.password {
        config.password(pw.expose());
    }
    if kind.migrations {
        if let Some(user) = info.options.as_ref().filter(|o| !o.trim().is_empty()) {
            config.options(user);
        }
    } else {
        let options = match &info.options {
            Some(user) if !user.trim().is_empty() => format!("{user} {PIN_SEARCH_PATH}"),
            _ => PIN_SEARCH_PATH.to_string(),
        };
        config.options(&options);
    }
    if let Some(callback) = &kind.on_notice {
        let callback = callback.clone();
        config.notice_callback(move |notice| callback(notice));
    }
    config.application_name(&info.application_name);
    config.connect_timeout(info.connect_timeout);
    config.ssl_mode(ssl);
    config
}

/// Accepts any certificate: `sslmode=require`/`prefer`/`allow` encrypt but do not
/// authenticate the server (as in libpq without a root certificate).
#[derive(Debug)]
struct AcceptAny(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode=verify-ca` / `verify-full`: the chain must lead to a trusted root, and
/// for verify-full the certificate must name the host. As in libpq, a self-signed
/// server certificate listed in `sslrootcert` is trusted as it is (webpki alone
/// rejects a CA certificate used as the server's).
#[derive(Debug)]
struct Verify {
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
    pinned: Vec<CertificateDer<'static>>,
    check_name: bool,
}

impl ServerCertVerifier for Verify {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let name_error = |e: &rustls::Error| {
            matches!(
                e,
                rustls::Error::InvalidCertificate(
                    rustls::CertificateError::NotValidForName
                        | rustls::CertificateError::NotValidForNameContext { .. }
                )
            )
        };
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Ok(ok) => Ok(ok),
            Err(e) if !self.check_name && name_error(&e) => Ok(ServerCertVerified::assertion()),
            Err(e)
                if self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                if self.check_name {
                    let cert = webpki::EndEntityCert::try_from(end_entity).map_err(|_| {
                        rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding)
                    })?;
                    cert.verify_is_valid_for_subject_name(server_name)
                        .map_err(|_| {
                            rustls::Error::InvalidCertificate(
                                rustls::CertificateError::NotValidForName,
                            )
                        })?;
                }
                let _ = e;
                Ok(ServerCertVerified::assertion())
            }
            Err(e) => Err(e),
        }
    }

    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(m, c, d)
    }

    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(m, c, d)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Trusted roots: `sslrootcert` (a PEM file, or `system`), else
/// `~/.postgresql/root.crt` when present, else the system store.
fn root_store(
    info: &ConnInfo,
) -> Result<(RootCertStore, Vec<CertificateDer<'static>>), ConnectError> {
    let mut store = RootCertStore::empty();
    let mut pinned = Vec::new();
    let explicit = info.sslrootcert.clone().or_else(|| {
        let default = std::env::var_os("HOME")
            .map(|h| std::path::PathBuf::from(h).join(".postgresql/root.crt"))?;
        default.is_file().then_some(default)
    });
    match explicit {
        Some(path) if path.as_os_str() != "system" => {
            let pem = std::fs::read(&path).map_err(|e| {
                ConnectError(format!("sslrootcert {}: cannot read: {e}", path.display()))
            })?;
            use rustls::pki_types::pem::PemObject;
            let mut found = 0;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|_| {
                    ConnectError(format!(
                        "sslrootcert {}: not a PEM certificate file",
                        path.display()
                    ))
                })?;
                pinned.push(cert.clone());
                store.add(cert).map_err(|e| {
                    ConnectError(format!(
                        "sslrootcert {}: unusable certificate: {e}",
                        path.display()
                    ))
                })?;
                found += 1;
            }
            if found == 0 {
                return Err(ConnectError(format!(
                    "sslrootcert {}: no certificates in the file",
                    path.display()
                )));
            }
        }
        _ => {
            let native = rustls_native_certs::load_native_certs();
            for cert in native.certs {
                let _ = store.add(cert);
            }
        }
    }
    Ok((store, pinned))
}

fn tls_connector(
    info: &ConnInfo,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, ConnectError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError(format!("TLS setup failed: {e}")))?;
    let config = match info.sslmode {
        SslMode::VerifyFull | SslMode::VerifyCa => {
            let (roots, pinned) = root_store(info)?;
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| ConnectError(format!("TLS setup failed: {e}")))?;
            let verifier = Verify {
                webpki,
                pinned,
                check_name: info.sslmode == SslMode::VerifyFull,
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        }
        _ => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny(provider)))
            .with_no_client_auth(),
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Connect as the settings say, with libpq's `sslmode` semantics. `connect_timeout`
/// bounds the whole start-up of each host tried (TCP, TLS, authentication), not only
/// the TCP connect: a server that accepts and then never answers is given up on.
pub fn connect(info: &ConnInfo) -> Result<Client, ConnectError> {
    connect_as(info, SessionKind::default())
}

/// [`connect`] for a session of the given kind.
pub fn connect_as(info: &ConnInfo, kind: SessionKind) -> Result<Client, ConnectError> {
    let tls = match info.sslmode {
        SslMode::Disable => None,
        _ => Some(tls_connector(info)?),
    };
    let hosts = u32::try_from(info.targets().len().max(1)).unwrap_or(u32::MAX);
    let limit = info
        .connect_timeout
        .saturating_mul(hosts)
        .saturating_add(Duration::from_millis(500));
    let (send, receive) = std::sync::mpsc::channel();
    let worker_info = info.clone();
    std::thread::Builder::new()
        .name("dblint-connect".into())
        .spawn(move || {
            let _ = send.send(connect_now(&worker_info, tls, &kind));
        })
        .map_err(|e| ConnectError(format!("cannot start the connection: {e}")))?;
    match receive.recv_timeout(limit) {
        Ok(result) => result,
        // The start-up thread is left behind; the command ends with this error.
        Err(_) => Err(ConnectError(format!(
            "cannot connect to {}: the server did not complete the start-up (TLS, authentication) within {} s (connect_timeout)",
            first_target(info),
            info.connect_timeout.as_secs()
        ))),
    }
}

fn connect_now(
    info: &ConnInfo,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    kind: &SessionKind,
) -> Result<Client, ConnectError> {
    let attempt = |ssl: PgSslMode| -> Result<Client, postgres::Error> {
        let config = pg_config(info, ssl, kind);
        match (&tls, ssl) {
            (Some(tls), PgSslMode::Prefer | PgSslMode::Require) => config.connect(tls.clone()),
            _ => config.connect(NoTls),
        }
    };
    let result = match info.sslmode {
        SslMode::Disable => attempt(PgSslMode::Disable),
        // allow: plaintext first; TLS only if the server insists.
        SslMode::Allow => attempt(PgSslMode::Disable).or_else(|e| {
            if explain(info, &e).contains("requires TLS") {
                attempt(PgSslMode::Require)
            } else {
                Err(e)
            }
        }),
        SslMode::Prefer => attempt(PgSslMode::Prefer),
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => attempt(PgSslMode::Require),
    };
    result.map_err(|e| ConnectError(explain(info, &e)))
}

/// The first host and port tried, as messages name it.
fn first_target(info: &ConnInfo) -> String {
    let (host, port) = info
        .targets()
        .into_iter()
        .next()
        .unwrap_or((Host::Tcp("localhost".into()), 5432));
    match host {
        Host::Unix(dir) => format!("socket {}/.s.PGSQL.{port}", dir.display()),
        Host::Tcp(_) => format!("{host}:{port}"),
    }
}

/// One line that says what failed and what to do.
fn explain(info: &ConnInfo, error: &postgres::Error) -> String {
    let target = first_target(info);
    if let Some(db) = error.as_db_error() {
        let message = db.message();
        return match db.code().code() {
            "28P01" => format!(
                "password authentication failed for user \"{}\"",
                info.effective_user()
            ),
            "28000" if message.contains("no encryption") => {
                format!("server requires TLS: add sslmode=require (cannot connect to {target}: {message})")
            }
            "3D000" => format!(
                "database \"{}\" does not exist on {target}",
                info.effective_dbname()
            ),
            _ => format!("cannot connect to {target}: {message}"),
        };
    }
    let mut text = error.to_string();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(s) = source {
        text = s.to_string();
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            let reason = match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
                std::io::ErrorKind::NotFound => {
                    "no such socket (is the server running?)".to_string()
                }
                std::io::ErrorKind::TimedOut => {
                    format!("timed out after {} s", info.connect_timeout.as_secs())
                }
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => {
                    if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>())
                    {
                        return tls_message(info, &target, tls);
                    }
                    io.to_string()
                }
            };
            return format!("cannot connect to {target}: {reason}");
        }
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return tls_message(info, &target, tls);
        }
        source = s.source();
    }
    if text.contains("timed out") || text.contains("timeout") {
        return format!(
            "cannot connect to {target}: timed out after {} s",
            info.connect_timeout.as_secs()
        );
    }
    if text.contains("server does not support TLS") || text.contains("TLS was required") {
        return format!(
            "cannot connect to {target}: the server does not support TLS (sslmode={})",
            info.sslmode.as_str()
        );
    }
    format!("cannot connect to {target}: {text}")
}

fn tls_message(info: &ConnInfo, target: &str, error: &rustls::Error) -> String {
    let host = target.rsplit_once(':').map(|(h, _)| h).unwrap_or(target);
    match error {
        rustls::Error::InvalidCertificate(_) => format!(
            "certificate verification failed for {host} (sslmode={}): {error}; set sslrootcert to the server's CA certificate",
            info.sslmode.as_str()
        ),
        other => format!("TLS handshake with {target} failed: {other}"),
    }
}

/// Start the read-only, consistent-snapshot transaction everything is read in, with
/// its limits. Limits are capped at what PostgreSQL accepts (`i32::MAX` ms); a failure
/// carries the server's own message.
pub fn begin_read_only(
    client: &mut Client,
    limits: SessionLimits,
) -> Result<postgres::Transaction<'_>, ConnectError> {
    begin_read_only_in(client, limits, None)
}

/// [`begin_read_only`], in the snapshot another session exported
/// (`pg_export_snapshot`) when `snapshot` names one: `SET TRANSACTION SNAPSHOT` is the
/// transaction's first statement, so it sees exactly what that session sees. The id
/// comes from the server; one that is not the hexadecimal-and-dashes form PostgreSQL
/// gives is refused, not quoted.
pub fn begin_read_only_in<'c>(
    client: &'c mut Client,
    limits: SessionLimits,
    snapshot: Option<&str>,
) -> Result<postgres::Transaction<'c>, ConnectError> {
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| {
            ConnectError(format!(
                "cannot start a read-only transaction: {}",
                super::build::server_message(&e)
            ))
        })?;
    if let Some(id) = snapshot {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(ConnectError(format!(
                "the server exported a snapshot id of an unexpected form: {id:?}"
            )));
        }
        tx.batch_execute(&format!("SET TRANSACTION SNAPSHOT '{id}'"))
            .map_err(|e| {
                ConnectError(format!(
                    "cannot share the read-only snapshot: {}",
                    super::build::server_message(&e)
                ))
            })?;
    }
    let ms = |d: Duration| d.as_millis().clamp(1, MAX_TIMEOUT_MS);
    let statement = ms(limits.statement_timeout);
    let settings = format!(
        "SET LOCAL statement_timeout = {statement}; SET LOCAL lock_timeout = {}; SET LOCAL idle_in_transaction_session_timeout = {}",
        ms(limits.lock_timeout),
        statement.saturating_mul(2).min(MAX_TIMEOUT_MS)
    );
    tx.batch_execute(&settings).map_err(|e| {
        ConnectError(format!(
            "cannot set session limits: {}",
            super::build::server_message(&e)
        ))
    })?;
    Ok(tx)
}

/// Let the main session of a read shared with helper sessions stay idle while it waits
/// for them: `idle_in_transaction_session_timeout` becomes `statements` + 2 times
/// `statement_timeout` (a helper runs up to `statements` queries after connecting),
/// instead of twice it.
pub fn allow_idle_for(
    tx: &mut postgres::Transaction<'_>,
    limits: SessionLimits,
    statements: usize,
) -> Result<(), ConnectError> {
    let statement = limits
        .statement_timeout
        .as_millis()
        .clamp(1, MAX_TIMEOUT_MS);
    let factor = u128::try_from(statements)
        .unwrap_or(u128::MAX)
        .saturating_add(2);
    tx.batch_execute(&format!(
        "SET LOCAL idle_in_transaction_session_timeout = {}",
        statement.saturating_mul(factor).min(MAX_TIMEOUT_MS)
    ))
    .map_err(|e| {
        ConnectError(format!(
            "cannot set session limits: {}",
            super::build::server_message(&e)
        ))
    })
}
