//! What a record's `links` accept: an absolute `http`/`https` URL with a host. Shared by the
//! record parser and the importers, so an import never writes a link the build refuses.
//!
//! A small check rather than a URL parser (no `url` crate in the build): the scheme is matched
//! without regard to case, as RFC 3986 says, and written back lowercase; the host must be there.

/// Why a link is not an http(s) URL with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkError {
    /// It does not start with `http://` or `https://` (in any case).
    NotHttp,
    /// Nothing (or only a port or user) between `://` and the path: `https://`, `https:///x`.
    NoHost,
    /// The host has a space, or an IPv6 literal `[…]` is not closed.
    BadHost,
    /// The port after the host is not a number up to 65535.
    BadPort,
}

impl LinkError {
    /// The problem in words, for a message that names the link first.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            LinkError::NotHttp => "is not an http(s) URL",
            LinkError::NoHost => "has no host after `://`",
            LinkError::BadHost => "has an invalid host",
            LinkError::BadPort => "has a port that is not a number up to 65535",
        }
    }
}

/// `url` checked, with its scheme lowercased (`HTTPS://x.org` → `https://x.org`); the rest is
/// kept as written.
pub(crate) fn http_url(url: &str) -> Result<String, LinkError> {
    let parts = parts(url)?;
    Ok(format!("{}://{}", parts.scheme, parts.rest))
}

/// The host of an http(s) URL as written (an IPv6 literal without its brackets), or `None`
/// when [`http_url`] would refuse `url`.
pub(crate) fn host(url: &str) -> Option<&str> {
    parts(url).ok().map(|parts| parts.host)
}

/// An http(s) URL taken apart.
struct Parts<'a> {
    /// `http` or `https`, lowercase.
    scheme: String,
    /// Everything after `://`, as written.
    rest: &'a str,
    /// The host, as written.
    host: &'a str,
}

/// `url` checked and taken apart.
fn parts(url: &str) -> Result<Parts<'_>, LinkError> {
    let (scheme, rest) = url.split_once("://").ok_or(LinkError::NotHttp)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(LinkError::NotHttp);
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    // Credentials (`user:pass@`) come before the host; the last `@` ends them.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let (inside, after) = literal.split_once(']').ok_or(LinkError::BadHost)?;
        if inside.is_empty() {
            return Err(LinkError::NoHost);
        }
        if !after.is_empty() && !after.starts_with(':') {
            return Err(LinkError::BadHost);
        }
        (inside, after.strip_prefix(':'))
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err(LinkError::NoHost);
    }
    // WHATWG's forbidden host code points: no encoding makes them valid in a host.
    if host
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"^`{|}\\%".contains(c))
    {
        return Err(LinkError::BadHost);
    }
    // An empty port (`x.org:/`) is allowed by RFC 3986 and means the default one.
    if let Some(port) = port
        && !port.is_empty()
        && !(port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok())
    {
        return Err(LinkError::BadPort);
    }
    Ok(Parts { scheme, rest, host })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_case_of_scheme_and_requires_a_host() {
        let cases: &[(&str, Result<&str, LinkError>)] = &[
            ("https://github.com/a/b", Ok("https://github.com/a/b")),
            ("http://x.org", Ok("http://x.org")),
            ("HTTPS://X.org/Path", Ok("https://X.org/Path")),
            ("Http://x.org", Ok("http://x.org")),
            (
                "https://user:pw@x.org:8080/p?q#f",
                Ok("https://user:pw@x.org:8080/p?q#f"),
            ),
            ("http://[::1]:80/", Ok("http://[::1]:80/")),
            ("http://x.org:/", Ok("http://x.org:/")),
            ("https://x.org?q=1", Ok("https://x.org?q=1")),
            ("https://", Err(LinkError::NoHost)),
            ("https:///path", Err(LinkError::NoHost)),
            ("http://:80", Err(LinkError::NoHost)),
            ("http://user@/p", Err(LinkError::NoHost)),
            ("https://?q", Err(LinkError::NoHost)),
            ("https://#f", Err(LinkError::NoHost)),
            ("http://[]/", Err(LinkError::NoHost)),
            ("http://[::1/", Err(LinkError::BadHost)),
            ("http://x y.org/", Err(LinkError::BadHost)),
            ("http://x<y>.org/", Err(LinkError::BadHost)),
            ("http://x\"y.org/", Err(LinkError::BadHost)),
            ("http://x.org:80x/", Err(LinkError::BadPort)),
            ("http://x.org:70000/", Err(LinkError::BadPort)),
            ("http://x.org:+80/", Err(LinkError::BadPort)),
            ("ftp://x.org", Err(LinkError::NotHttp)),
            ("github.com/a/b", Err(LinkError::NotHttp)),
            ("https:/x.org", Err(LinkError::NotHttp)),
            ("javascript://x.org/%0Aalert(1)", Err(LinkError::NotHttp)),
            ("", Err(LinkError::NotHttp)),
        ];
        for (url, expected) in cases {
            assert_eq!(
                http_url(url),
                expected.clone().map(str::to_string),
                "{url:?}"
            );
        }
    }

    #[test]
    fn host_is_between_credentials_and_port() {
        for (url, host) in [
            ("https://arxiv.org/pdf/2502.04522", Some("arxiv.org")),
            (
                "HTTPS://User:pw@Example.ORG:8080/p?q#f",
                Some("Example.ORG"),
            ),
            ("http://[::1]:80/", Some("::1")),
            ("https://x.org?q=1", Some("x.org")),
            ("https:///path", None),
            ("ftp://x.org", None),
        ] {
            assert_eq!(super::host(url), host, "{url:?}");
        }
    }
}
