//! The HTTP requests of the comment APIs, through `ureq` (a maintained client: speaking
//! HTTP is not dblint's business). JSON over HTTPS with the system's root
//! certificates (Mozilla's when the system has none); plain HTTP only to a loopback
//! address (a fake API in tests, a local proxy), so a token never crosses a network in
//! clear. Answers 5xx, 429 and rate-limited 403 are retried (up to 3 times, waiting
//! `Retry-After` when given, at most 30 s, else 1, 2, 4 s). Pages are followed through
//! `Link: <…>; rel="next"` only on the API's own origin, so the token is never sent
//! elsewhere, and redirects are never followed (the answer is a failure), so a
//! redirect cannot carry the token to another host either. POST is not retried on a
//! server fault or a lost answer (it may have been done: a second comment), only on
//! rate limits, which refuse before doing anything.

use super::Failure;
use std::time::Duration;

/// A client for one API (its base URL), sending the same headers with every request.
pub struct Client {
    agent: ureq::Agent,
    /// `https://api.github.com` (scheme, host, port).
    origin: String,
    /// The API's base URL without a trailing `/` (`https://ghe.example.com/api/v3`).
    base: String,
    headers: Vec<(&'static str, String)>,
    /// The first retry's wait; doubled each time.
    retry_delay: Duration,
}

/// An answer in the 2xx range.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// The next page (`Link: <…>; rel="next"`), when on the API's origin.
    pub next: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// The origin (`scheme://host[:port]`) of `url`, checked: `https`, or `http` to a
/// loopback host. Errors: one line naming `setting`.
pub fn origin(url: &str, setting: &str) -> Result<String, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("{setting}: `{url}` is not an http(s) URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return Err(format!(
            "{setting}: `{url}` needs a host (and no user name in the URL)"
        ));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => v6.split_once(']').unwrap_or((v6, "")),
        None => match authority.split_once(':') {
            Some((host, port)) => (host, port),
            None => (authority, ""),
        },
    };
    let port = port.strip_prefix(':').unwrap_or(port);
    if !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
        return Err(format!("{setting}: `{url}` has no valid port"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if matches!(host, "127.0.0.1" | "localhost" | "::1") => {}
        "http" => {
            return Err(format!(
                "{setting}: `{url}` is plain HTTP to another machine; the token would cross the network in clear (use https)"
            ))
        }
        _ => return Err(format!("{setting}: `{url}` is not an http(s) URL")),
    }
    Ok(format!("{}://{authority}", scheme.to_ascii_lowercase()))
}

impl Client {
    /// A client for the API at `base` (checked with [`origin`]; `setting` names where
    /// it came from in errors), sending `headers` with every request.
    pub fn new(
        base: &str,
        setting: &str,
        headers: Vec<(&'static str, String)>,
    ) -> Result<Client, String> {
        let origin = origin(base, setting)?;
        let native = rustls_native_certs::load_native_certs();
        let roots = if native.certs.is_empty() {
            ureq::tls::RootCerts::WebPki
        } else {
            ureq::tls::RootCerts::Specific(std::sync::Arc::new(
                native
                    .certs
                    .iter()
                    .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
                    .collect(),
            ))
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A redirect is an answer, not followed: a redirect to another host would
            // take the token header with it (ureq strips only Authorization).
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .user_agent(format!("dblint/{}", env!("CARGO_PKG_VERSION")))
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            .build()
            .into();
        let retry_delay = std::env::var("DBLINT_HTTP_RETRY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Duration::from_secs(1), Duration::from_millis);
        Ok(Client {
            agent,
            origin,
            base: base.trim_end_matches('/').to_string(),
            headers,
            retry_delay,
        })
    }

    /// `method` `url` (absolute, on the API's origin) with a JSON `body`, retried as
    /// the module says. Errors: an answer outside 2xx (with its status), or no answer.
    pub fn request(&self, method: Method, url: &str, body: Option<&str>) -> Result<Reply, Failure> {
        let path = url.strip_prefix(&self.origin).unwrap_or(url);
        let what = format!(
            "{} {}",
            method.name(),
            path.split('?').next().unwrap_or(path)
        );
        let mut wait = self.retry_delay;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.send(method, url, body);
            // A POST that failed on the server's side, or whose answer was lost, may
            // have been done: only a rate limit (nothing done) is retried.
            let again = |status: u16, headers: &[(String, String)]| {
                rate_limited(status, headers) || (status >= 500 && method != Method::Post)
            };
            let retry_after = match &result {
                Ok((status, headers, _)) if again(*status, headers) => {
                    Some(header(headers, "retry-after").and_then(|v| v.trim().parse::<u64>().ok()))
                }
                Err(_) if method != Method::Post => Some(None),
                _ => None,
            };
            if let (Some(after), true) = (retry_after, attempt <= 3) {
                let delay = after.map_or(wait, |s| Duration::from_secs(s.min(30)));
                std::thread::sleep(delay);
                wait *= 2;
                continue;
            }
            return match result {
                Err(e) => Err(Failure {
                    status: None,
                    message: format!("{what}: no answer from {}: {e}", self.origin),
                }),
                Ok((status, headers, text)) if (200..300).contains(&status) => Ok(Reply {
                    status,
                    next: match header(&headers, "link") {
                        Some(link) => self.next_page(&link).map_err(|message| Failure {
                            status: Some(status),
                            message: format!("{what}: {message}"),
                        })?,
                        None => None,
                    },
                    body: text,
                }),
                Ok((status, _, text)) => Err(Failure {
                    status: Some(status),
                    message: format!("{what}: HTTP {status}{}", api_message(&text)),
                }),
            };
        }
    }

    /// Status, headers (lower-case names) and text of one attempt.
    #[allow(clippy::type_complexity)]
    fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
    ) -> Result<(u16, Vec<(String, String)>, String), ureq::Error> {
        macro_rules! with_headers {
            ($builder:expr) => {{
                let mut b = $builder;
                for (k, v) in &self.headers {
                    b = b.header(*k, v);
                }
                b
            }};
        }
        let json = body.unwrap_or("").as_bytes();
        let response = match method {
            Method::Get => with_headers!(self.agent.get(url)).call(),
            Method::Delete => with_headers!(self.agent.delete(url)).call(),
            Method::Post => with_headers!(self.agent.post(url))
                .content_type("application/json")
                .send(json),
            Method::Patch => with_headers!(self.agent.patch(url))
                .content_type("application/json")
                .send(json),
            Method::Put => with_headers!(self.agent.put(url))
                .content_type("application/json")
                .send(json),
        };
        let mut response = response?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().ok()?.to_string(),
                ))
            })
            .collect();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()?;
        Ok((status, headers, text))
    }

    /// The `rel="next"` target of a `Link` header. Errors when it is on another origin
    /// than the API's: not followed (the token would go there), and not taken for the
    /// last page either (a report comment on a later page would be missed).
    fn next_page(&self, link: &str) -> Result<Option<String>, String> {
        let next = link.split(',').find_map(|part| {
            let (target, params) = part.trim().split_once(';')?;
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            params
                .split(';')
                .any(|p| p.trim().replace(' ', "") == "rel=\"next\"")
                .then(|| target.to_string())
        });
        match next {
            None => Ok(None),
            Some(target)
                if origin(&target, "").is_ok_and(|o| same_origin(&o, &self.origin))
                    && target.len() > self.origin.len() =>
            {
                Ok(Some(target))
            }
            Some(target) => Err(format!(
                "the next page of comments is on another host ({}), which dblint does not send the token to",
                target.split('?').next().unwrap_or(&target)
            )),
        }
    }

    /// `path` (starting with `/`) below the API's base URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// A rate limit: 429, or GitHub's secondary limits, which answer 403 with
/// `Retry-After` or `x-ratelimit-remaining: 0`.
fn rate_limited(status: u16, headers: &[(String, String)]) -> bool {
    status == 429
        || (status == 403
            && (header(headers, "retry-after").is_some()
                || header(headers, "x-ratelimit-remaining").as_deref() == Some("0")))
}

/// Whether two origins from [`origin`] are the same, as a browser compares them: the
/// scheme and host without case, the default port written or not.
fn same_origin(a: &str, b: &str) -> bool {
    let normal = |o: &str| {
        let o = o.to_ascii_lowercase();
        o.strip_suffix(":443")
            .filter(|_| o.starts_with("https://"))
            .or_else(|| o.strip_suffix(":80").filter(|_| o.starts_with("http://")))
            .map(str::to_string)
            .unwrap_or(o)
    };
    normal(a) == normal(b)
}

/// `: <message>` from a JSON error answer (`{"message": "…"}`), one line, short.
fn api_message(text: &str) -> String {
    let message = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str().map(str::to_string))
        });
    match message {
        Some(m) if !m.is_empty() => {
            let one_line: String = m.split_whitespace().collect::<Vec<_>>().join(" ");
            format!(": {}", one_line.chars().take(200).collect::<String>())
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_https_or_loopback_http() {
        assert_eq!(
            origin("https://api.github.com", "X").unwrap(),
            "https://api.github.com"
        );
        assert_eq!(
            origin("https://ghe.example.com/api/v3", "X").unwrap(),
            "https://ghe.example.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:8080/", "X").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(origin("http://[::1]:9/x", "X").unwrap(), "http://[::1]:9");
        for bad in [
            "http://api.github.com",
            "http://127.0.0.1.evil.com",
            "ftp://x",
            "api.github.com",
            "https://user:pw@host",
            "https://",
        ] {
            assert!(origin(bad, "GITHUB_API_URL").is_err(), "{bad}");
        }
    }

    #[test]
    fn rate_limits_are_told_apart() {
        let h = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(rate_limited(429, &[]));
        assert!(rate_limited(403, &h("retry-after", "60")));
        assert!(rate_limited(403, &h("x-ratelimit-remaining", "0")));
        assert!(!rate_limited(403, &h("x-ratelimit-remaining", "4999")));
        assert!(!rate_limited(500, &[]));
        assert!(!rate_limited(404, &[]));
        assert_eq!(
            api_message(r#"{"message":"Bad\n credentials"}"#),
            ": Bad credentials"
        );
        assert_eq!(api_message("<html>"), "");
    }

    #[test]
    fn next_pages_stay_on_the_origin() {
        let client = Client::new("http://127.0.0.1:1", "X", Vec::new()).unwrap();
        assert_eq!(
            client.next_page(r#"<http://127.0.0.1:1/r?page=2>; rel="next", <http://127.0.0.1:1/r?page=9>; rel="last""#),
            Ok(Some("http://127.0.0.1:1/r?page=2".into()))
        );
        assert_eq!(
            client.next_page(r#"<http://127.0.0.1:1/r?page=1>; rel="prev""#),
            Ok(None)
        );
        for foreign in [
            r#"<https://evil.example/r?page=2>; rel="next""#,
            r#"<http://127.0.0.1:10/r>; rel="next""#,
            r#"<http://127.0.0.1:1.evil.example/r>; rel="next""#,
        ] {
            assert!(client.next_page(foreign).is_err(), "{foreign}");
        }
        let github = Client::new("https://api.github.com", "X", Vec::new()).unwrap();
        assert_eq!(
            github.next_page(r#"<https://API.github.com:443/r?page=2>; rel="next""#),
            Ok(Some("https://API.github.com:443/r?page=2".into()))
        );
    }
}
