//! The few URL operations the link checker needs: the normalized form that keys deduplication
//! and the cache, the host that keys the rate limit, and the target of a `Location` header.
//! Only `http` and `https` links are handled; nothing here touches the network.

/// A link in normal form: scheme and host lowercased, default port and fragment dropped, an
/// empty path written `/`. Percent-encoding and the query are kept as given (servers may
/// distinguish them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NormalUrl {
    /// The whole normalized URL.
    pub(super) url: String,
    /// The host, lowercased (IPv6 addresses keep their brackets); rate limits are per host.
    pub(super) host: String,
}

/// Puts an absolute `http`/`https` URL in normal form, or says why it cannot be checked.
pub(super) fn normalize(url: &str) -> Result<NormalUrl, String> {
    let url = url.trim();
    let (scheme, rest) = match url.split_once(':') {
        Some((scheme, rest)) if has_scheme(url) => (scheme.to_ascii_lowercase(), rest),
        _ => return Err("not an absolute link (it has no scheme)".to_string()),
    };
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => {
            return Err(format!(
                "only http and https links are checked, not {scheme}:"
            ));
        }
    };
    let rest = rest
        .strip_prefix("//")
        .ok_or_else(|| format!("`{url}` has no `//` after `{scheme}:`"))?;
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    // Credentials are not part of where the link goes.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (address, after) = v6
            .split_once(']')
            .ok_or_else(|| "an IPv6 host without its closing `]`".to_string())?;
        (format!("[{address}]"), after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err("a link with no host".to_string());
    }
    let host = host.to_ascii_lowercase();
    let port = match port {
        None | Some("") => String::new(),
        Some(port) if !port.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(format!("the port `{port}` is not a number"));
        }
        Some(port) if port == default_port => String::new(),
        Some(port) => format!(":{port}"),
    };
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    Ok(NormalUrl {
        url: format!("{scheme}://{host}{port}{path}"),
        host,
    })
}

/// Where a redirect from `base` (normalized) to `location` (a `Location` header, absolute or
/// relative as RFC 3986 section 5.2 allows) leads.
pub(super) fn resolve(base: &NormalUrl, location: &str) -> Result<NormalUrl, String> {
    let location = location.trim();
    if location.is_empty() {
        return Err("a redirect with an empty Location".to_string());
    }
    if has_scheme(location) {
        return normalize(location);
    }
    let (scheme, rest) = base.url.split_once("://").unwrap_or(("https", &base.url));
    if location.starts_with("//") {
        return normalize(&format!("{scheme}:{location}"));
    }
    let path_start = rest.find('/').unwrap_or(rest.len());
    let (authority, base_path_query) = rest.split_at(path_start);
    let base_path = base_path_query
        .split_once('?')
        .map_or(base_path_query, |(path, _)| path);
    let location = location.split_once('#').map_or(location, |(l, _)| l);
    let target = if let Some(query) = location.strip_prefix('?') {
        format!("{base_path}?{query}")
    } else if location.is_empty() {
        base_path_query.to_string()
    } else if location.starts_with('/') {
        location.to_string()
    } else {
        // Relative to the base's folder: everything up to its last `/`.
        let folder = base_path.rsplit_once('/').map_or("", |(folder, _)| folder);
        format!("{folder}/{location}")
    };
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target.as_str(), None),
    };
    let mut resolved = format!("{scheme}://{authority}{}", remove_dot_segments(path));
    if let Some(query) = query {
        resolved.push('?');
        resolved.push_str(query);
    }
    normalize(&resolved)
}

/// Whether `reference` starts with a scheme (`letter *( letter / digit / + / - / . ) :`).
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut bytes = scheme.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// RFC 3986 section 5.2.4 on an absolute path: `.` segments go, `..` removes the one before.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    out.pop();
                }
                // A trailing `.` or `..` still names a folder: keep its slash.
                if last {
                    out.push("");
                }
            }
            other => out.push(other),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form() {
        let cases = [
            (
                "HTTPS://ArXiv.org/abs/2401.00001#sec",
                "https://arxiv.org/abs/2401.00001",
            ),
            ("http://example.com", "http://example.com/"),
            ("http://example.com:80/a", "http://example.com/a"),
            ("https://example.com:443?q=1", "https://example.com/?q=1"),
            (
                "https://example.com:8443/A%2Fb?X=Y",
                "https://example.com:8443/A%2Fb?X=Y",
            ),
            ("https://user:pw@Example.com/", "https://example.com/"),
            ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input).unwrap().url, expected, "{input}");
        }
        assert_eq!(normalize("http://[::1]/").unwrap().host, "[::1]");
        assert_eq!(
            normalize("https://Export.ArXiv.org/api").unwrap().host,
            "export.arxiv.org"
        );
    }

    #[test]
    fn links_that_cannot_be_checked_say_why() {
        for (input, why) in [
            ("mailto:someone@example.com", "only http and https"),
            ("https:example.com", "no `//`"),
            ("ftp://example.com/file", "only http and https"),
            ("https:///path", "no host"),
            ("https://example.com:port/", "not a number"),
            ("/relative/path", "absolute"),
        ] {
            let err = normalize(input).unwrap_err();
            assert!(err.contains(why), "{input}: {err}");
        }
    }

    #[test]
    fn locations_resolve_as_rfc_3986_says() {
        let base = normalize("http://a.test/b/c/d;p?q").unwrap();
        // The normal examples of RFC 3986 section 5.4.1 that apply to a Location header.
        let cases = [
            ("g:h", Err("only http and https")),
            ("g", Ok("http://a.test/b/c/g")),
            ("./g", Ok("http://a.test/b/c/g")),
            ("g/", Ok("http://a.test/b/c/g/")),
            ("/g", Ok("http://a.test/g")),
            ("//g", Ok("http://g/")),
            ("?y", Ok("http://a.test/b/c/d;p?y")),
            ("g?y", Ok("http://a.test/b/c/g?y")),
            ("#s", Ok("http://a.test/b/c/d;p?q")),
            ("g#s", Ok("http://a.test/b/c/g")),
            (".", Ok("http://a.test/b/c/")),
            ("./", Ok("http://a.test/b/c/")),
            ("..", Ok("http://a.test/b/")),
            ("../g", Ok("http://a.test/b/g")),
            ("../..", Ok("http://a.test/")),
            ("../../g", Ok("http://a.test/g")),
            ("https://Other.test:443/x", Ok("https://other.test/x")),
        ];
        for (location, expected) in cases {
            match (resolve(&base, location), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got.url, want, "{location}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{location}: {got}"),
                (got, want) => panic!("{location}: got {got:?}, want {want:?}"),
            }
        }
    }
}
