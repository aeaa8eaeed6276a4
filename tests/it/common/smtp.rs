//! A real SMTP server for the email tests: `tests/it/email/smtp_server.py` (aiosmtpd, Debian's
//! `python3-aiosmtpd`) started on 127.0.0.1 on a port the system picks, stopped when the
//! [`SmtpServer`] is dropped. What it received is read back from its folder, and a message is
//! parsed with Python's own `email` package, not with ours. Also runs `digest send` with an
//! environment holding only the SMTP variables a test gives (never the developer's own).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

use super::{Run, repo};

/// The certificates of the STARTTLS tests (`ca.pem`, `server.pem`, `server.key`,
/// `other-ca.pem`).
pub fn certs() -> PathBuf {
    repo().join("tests/it/email/certs")
}

/// A Python 3 with aiosmtpd: `python3`, else Debian's `/usr/bin/python3`. Fails the test
/// saying what to install when there is none.
pub fn python() -> &'static str {
    static FOUND: OnceLock<Option<&'static str>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            ["python3", "/usr/bin/python3"].into_iter().find(|python| {
                Command::new(python)
                    .args(["-c", "import aiosmtpd, email.policy"])
                    .output()
                    .is_ok_and(|o| o.status.success())
            })
        })
        .unwrap_or_else(|| {
            panic!(
                "the SMTP tests need Python 3 with aiosmtpd: install Debian's python3-aiosmtpd \
                 (apt-get install python3-aiosmtpd) or `pip install aiosmtpd`"
            )
        })
}

/// How the test server behaves.
#[derive(Debug, Default, Clone)]
pub struct ServerOptions {
    /// Addresses answered 550 at RCPT.
    pub refuse: Vec<String>,
    /// Offer STARTTLS with `certs/server.pem`.
    pub starttls: bool,
    /// Refuse everything until STARTTLS.
    pub require_starttls: bool,
    /// TLS from the first byte (`smtps://`), with `certs/server.pem`.
    pub implicit_tls: bool,
    /// Require this login (user, password), over TLS.
    pub auth: Option<(String, String)>,
}

/// The running server.
pub struct SmtpServer {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Where it saves what it receives.
    pub dir: tempfile::TempDir,
    implicit_tls: bool,
}

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The saved `.eml` file.
    pub eml: PathBuf,
    /// Its bytes, as received.
    pub bytes: Vec<u8>,
    /// `MAIL FROM`.
    pub mail_from: String,
    /// Every accepted `RCPT TO`.
    pub rcpt_tos: Vec<String>,
    /// Whether the connection was TLS when the message came.
    pub tls: bool,
    /// Who had logged in, if anyone.
    pub login: Option<String>,
}

impl SmtpServer {
    /// Starts a server and waits until it accepts connections (it prints its port then).
    pub fn start(options: &ServerOptions) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(python());
        command
            .arg(repo().join("tests/it/email/smtp_server.py"))
            .arg("--dir")
            .arg(dir.path());
        for address in &options.refuse {
            command.args(["--refuse", address]);
        }
        if options.starttls || options.require_starttls || options.implicit_tls {
            command
                .arg("--tls-cert")
                .arg(certs().join("server.pem"))
                .arg("--tls-key")
                .arg(certs().join("server.key"));
        }
        if options.require_starttls {
            command.arg("--require-starttls");
        }
        if options.implicit_tls {
            command.arg("--implicit-tls");
        }
        if let Some((user, password)) = &options.auth {
            command.args(["--auth", &format!("{user}:{password}")]);
        }
        // Its log goes to a file in its folder (`received` reads only the messages): a pipe
        // nobody reads could fill up and stop it.
        let log_path = dir.path().join("server.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start the SMTP test server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Ok(port) = line.trim().parse::<u16>() else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the SMTP test server did not start: {line:?}\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        };
        let stdin = child.stdin.take();
        SmtpServer {
            child,
            stdin,
            port,
            dir,
            implicit_tls: options.implicit_tls,
        }
    }

    /// `smtp://127.0.0.1:PORT`, or `smtps://` for a server speaking TLS from the start.
    pub fn url(&self) -> String {
        let scheme = if self.implicit_tls { "smtps" } else { "smtp" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|meta| {
                let eml = meta.with_extension("eml");
                let json: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
                Received {
                    bytes: std::fs::read(&eml).unwrap(),
                    eml,
                    mail_from: json["mail_from"].as_str().unwrap().to_string(),
                    rcpt_tos: json["rcpt_tos"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_string())
                        .collect(),
                    tls: json["tls"].as_bool().unwrap(),
                    login: json["login"].as_str().map(str::to_string),
                }
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // Its standard input closed, it would stop by itself; killed, it stops now.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message as Python's `email` package (policy `default`) reads it.
#[derive(Debug)]
pub struct Parsed {
    /// Every header, name and decoded value, in order.
    pub headers: Vec<(String, String)>,
    /// The top-level content type (`multipart/alternative`).
    pub content_type: String,
    /// The decoded subject.
    pub subject: String,
    /// Each leaf part: content type, charset, decoded content.
    pub parts: Vec<(String, Option<String>, String)>,
    /// What the parser found wrong, in any part.
    pub defects: Vec<String>,
}

impl Parsed {
    /// The decoded values of header `name` (any case).
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The content of the only part of type `content_type`.
    pub fn part(&self, content_type: &str) -> &str {
        let found: Vec<_> = self
            .parts
            .iter()
            .filter(|(t, _, _)| t == content_type)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one {content_type} part in {:?}",
            self.parts
        );
        &found[0].2
    }
}

const PARSE: &str = r#"
import email, email.policy, json, sys
with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
parts, defects = [], [str(d) for d in msg.defects]
for part in msg.walk():
    defects += [str(d) for d in part.defects]
    if part.is_multipart():
        continue
    parts.append([part.get_content_type(), part.get_content_charset(), part.get_content()])
print(json.dumps({
    "headers": [[k, str(v)] for k, v in msg.items()],
    "content_type": msg.get_content_type(),
    "subject": str(msg["subject"]),
    "parts": parts,
    "defects": defects,
}))
"#;

/// Parses the message file at `path` with Python's `email` package.
pub fn parse_message(path: &Path) -> Parsed {
    let out = Command::new(python())
        .args(["-c", PARSE])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python email could not read {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    Parsed {
        headers: json["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (text(&h[0]), text(&h[1])))
            .collect(),
        content_type: text(&json["content_type"]),
        subject: text(&json["subject"]),
        parts: json["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (text(&p[0]), p[1].as_str().map(str::to_string), text(&p[2])))
            .collect(),
        defects: json["defects"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect(),
    }
}

/// Runs `digest ARGS` in `cwd` with `input` on its standard input and, of the SMTP
/// variables, only `env` (the developer's own SMTP_URL never reaches a test).
pub fn digest_with(args: &[&str], cwd: &Path, env: &[(&str, &str)], input: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_digest"));
    command.args(args).current_dir(cwd).env("NO_COLOR", "1");
    for name in ["SMTP_URL", "SMTP_USER", "SMTP_PASSWORD", "SMTP_CA_FILE"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let mut child = command
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run digest");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
