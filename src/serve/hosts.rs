//! Which `Host` a request to the preview server may name: the defence against DNS rebinding
//! (a page of `evil.com` whose name the attacker re-points at 127.0.0.1 reads the preview as its
//! own origin). Pure functions; the server answers refused requests with 403.
//!
//! Accepted, as Vite and webpack-dev-server do: `localhost`, any IP address (an IP literal is
//! not a DNS name, so it cannot be rebound; this covers 127.0.0.1, `[::1]`, the `--bind`
//! address and, bound to 0.0.0.0, the machine's LAN address a phone uses) and the names given
//! with `--allowed-host` (`.example.org` also allows its subdomains).

use std::net::{Ipv4Addr, Ipv6Addr};

/// The host names the server answers besides `localhost` and IP addresses.
#[derive(Debug, Clone, Default)]
pub(crate) struct AllowedHosts {
    /// Lower-case names from `--allowed-host`; a leading `.` allows the domain and its
    /// subdomains.
    names: Vec<String>,
}

impl AllowedHosts {
    /// The rule with the names of `--allowed-host` (already checked by [`parse_allowed_host`]).
    pub(crate) fn new(names: &[String]) -> AllowedHosts {
        AllowedHosts {
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
        }
    }

    /// Whether a request whose `Host` header (or absolute-form authority) is `authority` (a name
    /// or address with an optional `:port`) may be answered.
    pub(crate) fn allows(&self, authority: &str) -> bool {
        let Some(host) = host_of(authority) else {
            return false;
        };
        match host {
            Host::Ip => true,
            Host::Name(name) => {
                let name = name.to_ascii_lowercase();
                name == "localhost"
                    || self
                        .names
                        .iter()
                        .any(|allowed| match allowed.strip_prefix('.') {
                            Some(domain) => {
                                name == domain
                                    || name
                                        .strip_suffix(domain)
                                        .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1)
                            }
                            None => name == *allowed,
                        })
            }
        }
    }
}

enum Host<'a> {
    Ip,
    Name(&'a str),
}

/// The host part of `name[:port]` or `[v6]:port`; `None` when it is neither a well-formed IP
/// address nor a plausible DNS name, or the port is not a number.
fn host_of(authority: &str) -> Option<Host<'_>> {
    let port_ok = |port: &str| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        v6.parse::<Ipv6Addr>().ok()?;
        return match after.strip_prefix(':') {
            None if after.is_empty() => Some(Host::Ip),
            Some(port) if port_ok(port) => Some(Host::Ip),
            _ => None,
        };
    }
    let (name, port) = match authority.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (authority, None),
    };
    if port.is_some_and(|p| !port_ok(p)) {
        return None;
    }
    if name.parse::<Ipv4Addr>().is_ok() {
        return Some(Host::Ip);
    }
    if is_dns_name(name) {
        Some(Host::Name(name))
    } else {
        None
    }
}

/// Letters, digits, `-`, `_` and dots between non-empty labels.
fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Checks one `--allowed-host` value: a host name (`preview.example.org`), or `.example.org` for
/// the domain and its subdomains; no scheme, port or path. Returns it lower-cased.
pub(crate) fn parse_allowed_host(value: &str) -> Result<String, String> {
    let name = value.trim().to_ascii_lowercase();
    let bare = name.strip_prefix('.').unwrap_or(&name);
    if is_dns_name(bare) || bare.parse::<Ipv4Addr>().is_ok() {
        Ok(name)
    } else {
        Err(format!(
            "`{value}` is not a host name: give the name alone, without scheme, port or path \
             (e.g. --allowed-host preview.example.org, or .example.org for its subdomains too)"
        ))
    }
}

/// The text of the 403 answer to a request naming `host` (shown as printable ASCII only).
pub(crate) fn refusal_message(host: Option<&str>) -> String {
    let Some(host) = host else {
        return "digest serve refused this request: it has no Host header.\n".to_string();
    };
    let shown: String = host
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(100)
        .collect();
    let name = match host_of(&shown) {
        Some(Host::Name(name)) => name.to_string(),
        _ => shown.split(':').next().unwrap_or_default().to_string(),
    };
    format!(
        "digest serve refused this request: it names the host `{shown}`, which is not one this \
         server answers (localhost or an IP address). This protects the preview from DNS \
         rebinding: a web page whose name is re-pointed at this machine could otherwise read it.\n\
         To preview the site under that name, start digest serve with --allowed-host {name}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_names_ip_addresses_and_allowed_hosts_pass() {
        let none = AllowedHosts::default();
        let some = AllowedHosts::new(&["Preview.Example.org".into(), ".lan.example".into()]);
        for (authority, by_default, with_names) in [
            ("127.0.0.1:1111", true, true),
            ("127.0.0.1", true, true),
            ("localhost:1111", true, true),
            ("LOCALHOST", true, true),
            ("[::1]:1111", true, true),
            ("[::1]", true, true),
            ("192.168.1.20:1111", true, true),
            ("[fe80::1]:80", true, true),
            ("evil.com", false, false),
            ("evil.com:1111", false, false),
            ("localhost.evil.com", false, false),
            ("127.0.0.1.evil.com", false, false),
            ("localhost.", false, false),
            ("preview.example.org:1111", false, true),
            ("PREVIEW.example.org", false, true),
            ("x.preview.example.org", false, false),
            ("lan.example", false, true),
            ("phone.lan.example:1111", false, true),
            ("evillan.example", false, false),
            ("", false, false),
            (":1111", false, false),
            ("localhost:abc", false, false),
            ("localhost:", false, false),
            ("[::1", false, false),
            ("[evil.com]:1", false, false),
            ("a b", false, false),
            ("localhost:1111:1", false, false),
        ] {
            assert_eq!(none.allows(authority), by_default, "{authority:?}");
            assert_eq!(
                some.allows(authority),
                with_names,
                "{authority:?} (allowed)"
            );
        }
    }

    #[test]
    fn allowed_host_values_are_bare_names() {
        assert_eq!(parse_allowed_host("Evil.COM").as_deref(), Ok("evil.com"));
        assert_eq!(parse_allowed_host(".lan").as_deref(), Ok(".lan"));
        assert_eq!(parse_allowed_host("10.0.0.2").as_deref(), Ok("10.0.0.2"));
        for bad in [
            "",
            ".",
            "http://x.org",
            "x.org:8080",
            "x.org/",
            "a..b",
            "a b",
        ] {
            let err = parse_allowed_host(bad).unwrap_err();
            assert!(err.contains("--allowed-host"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_refusal_names_the_flag_with_the_host() {
        let text = refusal_message(Some("evil.com:1111"));
        assert!(text.contains("--allowed-host evil.com\n"), "{text}");
        let text = refusal_message(Some("<script>\u{7}x"));
        assert!(!text.contains('\u{7}'), "{text}");
        assert!(refusal_message(None).contains("no Host header"));
    }
}
