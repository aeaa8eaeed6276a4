//! Where a build may write: resolves the output folder through symlinks and refuses places a
//! build must never replace, whatever `--force` says. Reads the disk; never writes.
//!
//! A build publishes by swapping the output folder with a complete new one (see
//! [`crate::write::publish`]), so an output folder that is wrong is wrong as a whole: the
//! home folder once became a copy of the sample site. Every refusal here compares canonical
//! paths (symlinks resolved), never the text the user typed.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Problem;
use crate::write::MARKER;

/// The folders of a site that hold its sources: an output inside one (or containing one)
/// would overwrite them.
const SOURCE_FOLDERS: [&str; 4] = ["content", "templates", "static", "themes"];

/// Folders of the operating system that are never an output, even with `--force`.
const SYSTEM_FOLDERS: &[&str] = &[
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/media",
    "/mnt",
    "/nix",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/snap",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/local",
    "/usr/share",
    "/var",
    "/var/cache",
    "/var/lib",
    "/var/log",
    "/var/tmp",
    "/Applications",
    "/Library",
    "/System",
    "/Users",
    "/Volumes",
    "/private",
    "/private/tmp",
    "/private/var",
];

/// Folders whose whole subtree belongs to the system.
const SYSTEM_TREES: &[&str] = &[
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc",
    "/sbin",
    "/sys",
    "/usr/bin",
    "/usr/include",
    "/usr/lib",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/sbin",
    "/System",
];

/// Checks that `output` may be replaced by a build of the site at `root` and returns it
/// resolved (absolute, symlinks followed). Refused even with `force`: the file-system root and
/// system folders, the home folder and its ancestors, the site root and its ancestors, the
/// site's `content/`, `templates/`, `static/` and `themes/` (inside or around them), a folder
/// holding `.git` or `site.toml`, a file, and a mount point. Without `force`, a non-empty
/// folder digest did not make is refused too.
pub(crate) fn check_output(root: &Path, output: &Path, force: bool) -> Result<PathBuf, Problem> {
    let shown = output.display().to_string();
    let refuse = |why: String, hint: &str| {
        Err(Problem::in_file(
            &shown,
            format!("refusing to use {shown} as the output folder: {why}"),
        )
        .with_hint(hint.to_string()))
    };
    let resolved = match resolve(output) {
        Ok(path) => path,
        Err(err) => return refuse(format!("cannot resolve it: {err}"), "pick a folder path"),
    };
    let named = |what: &str| {
        if resolved.as_os_str() == output.as_os_str() {
            what.to_string()
        } else {
            format!("it resolves to {}, {what}", resolved.display())
        }
    };
    let own_folder = "pick a folder of its own for the site, e.g. --output public";
    if resolved.parent().is_none() {
        return refuse(named("the file-system root"), own_folder);
    }
    if is_system_folder(&resolved) {
        return refuse(named("a system folder"), own_folder);
    }
    for home in home_folders() {
        if home.starts_with(&resolved) {
            let what = if home == resolved {
                "your home folder"
            } else {
                "an ancestor of your home folder"
            };
            return refuse(
                named(&format!(
                    "{what}, and a build replaces the whole output folder"
                )),
                own_folder,
            );
        }
    }
    let root = resolve(root).unwrap_or_else(|_| root.to_path_buf());
    if root.starts_with(&resolved) {
        return refuse(
            named(
                "the site root or a folder containing it, and a build replaces the whole output folder",
            ),
            own_folder,
        );
    }
    for name in SOURCE_FOLDERS {
        let source = resolve(&root.join(name)).unwrap_or_else(|_| root.join(name));
        if resolved.starts_with(&source) || source.starts_with(&resolved) {
            return refuse(
                named(&format!(
                    "the site's {name}/ folder is there, and the build would overwrite it"
                )),
                own_folder,
            );
        }
    }
    for name in [".git", "site.toml"] {
        if resolved.join(name).symlink_metadata().is_ok() {
            return refuse(
                named(&format!(
                    "it holds {name}, so it is a repository or a site, not an output folder"
                )),
                own_folder,
            );
        }
    }
    match std::fs::metadata(&resolved) {
        Ok(meta) if !meta.is_dir() => return refuse(named("a file"), "pick a folder path"),
        Ok(_) if is_mount_point(&resolved) => {
            return refuse(
                named(
                    "a mount point; a build swaps the output folder with a complete new one beside it, which needs both on one file system",
                ),
                "use a folder inside it, e.g. --output <mount>/site",
            );
        }
        Ok(_) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(resolved),
        Err(err) => return refuse(err.to_string(), "check the folder's permissions"),
    }
    if force {
        return Ok(resolved);
    }
    match std::fs::read_dir(&resolved) {
        Ok(mut entries) => {
            if entries.next().is_some() && resolved.join(MARKER).symlink_metadata().is_err() {
                return refuse(
                    named("it is not empty and was not made by digest"),
                    "pick another folder or empty this one; --force writes the site into it and keeps every file digest did not write, but fails if one is where the site puts a file",
                );
            }
            Ok(resolved)
        }
        Err(err) => refuse(err.to_string(), "check the folder's permissions"),
    }
}

/// Makes `path` absolute with every symlink resolved; the part that does not exist yet is
/// appended as written (`..` in it taken lexically).
pub(crate) fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let parts: Vec<Component> = absolute.components().collect();
    // The longest prefix that exists, resolved by the OS; then the rest.
    for split in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..split].iter().collect();
        match std::fs::canonicalize(&prefix) {
            Ok(mut resolved) => {
                for part in &parts[split..] {
                    match part {
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        Component::CurDir => {}
                        other => resolved.push(other),
                    }
                }
                return Ok(resolved);
            }
            // A symlink to nowhere: what would be written through it is anyone's guess.
            Err(_) if prefix.symlink_metadata().is_ok_and(|m| m.is_symlink()) => {
                return Err(io::Error::other(format!(
                    "{} is a symlink to a place that does not exist",
                    prefix.display()
                )));
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::other("no part of the path exists"))
}

fn is_system_folder(path: &Path) -> bool {
    // The one place under /dev where files belong: a RAM disk for fast builds.
    let ram_disk = Path::new("/dev/shm");
    if path.starts_with(ram_disk) && path != ram_disk {
        return false;
    }
    SYSTEM_FOLDERS.iter().any(|f| path == Path::new(f))
        || SYSTEM_TREES.iter().any(|f| path.starts_with(f))
        || std::fs::canonicalize(std::env::temp_dir()).is_ok_and(|tmp| tmp == path)
}

/// The home folder as `$HOME` says and as the user database says (they differ when `HOME` is
/// set for a test or a sandbox; both are protected).
fn home_folders() -> Vec<PathBuf> {
    let mut homes = Vec::new();
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        homes.push(PathBuf::from(home));
    }
    #[cfg(unix)]
    if let Some(home) = passwd_home() {
        homes.push(home);
    }
    homes
        .into_iter()
        .filter_map(|h| std::fs::canonicalize(&h).ok())
        .collect()
}

#[cfg(unix)]
fn passwd_home() -> Option<PathBuf> {
    use std::ffi::CStr;
    use std::os::unix::ffi::OsStrExt;
    let mut buffer = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: getpwuid_r writes into `entry` and `buffer`, both alive and sized as passed.
    unsafe {
        let mut entry: libc::passwd = std::mem::zeroed();
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let status = libc::getpwuid_r(
            libc::getuid(),
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        );
        if status != 0 || found.is_null() || entry.pw_dir.is_null() {
            return None;
        }
        let dir = CStr::from_ptr(entry.pw_dir).to_bytes();
        (!dir.is_empty()).then(|| PathBuf::from(std::ffi::OsStr::from_bytes(dir)))
    }
}

#[cfg(unix)]
fn is_mount_point(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Some(parent), Ok(meta)) = (path.parent(), std::fs::metadata(path)) else {
        return false;
    };
    std::fs::metadata(parent).is_ok_and(|p| p.dev() != meta.dev())
}

#[cfg(not(unix))]
fn is_mount_point(_: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_symlinks_and_missing_tails() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&real, tmp.path().join("link")).unwrap();
            let resolved = resolve(&tmp.path().join("link/new/../site")).unwrap();
            assert_eq!(resolved, std::fs::canonicalize(&real).unwrap().join("site"));
        }
        let resolved = resolve(&tmp.path().join("real/./a/b")).unwrap();
        assert_eq!(resolved, std::fs::canonicalize(&real).unwrap().join("a/b"));
    }

    #[test]
    fn the_root_and_system_folders_are_refused_even_with_force() {
        // check_output only reads the disk, so pointing it at real system folders is safe.
        let site = tempfile::tempdir().unwrap();
        for output in ["/", "/usr", "/etc", "/var", "/tmp", "/usr/lib/digest"] {
            let err = check_output(site.path(), Path::new(output), true).unwrap_err();
            assert!(err.render().contains("refusing"), "{output}");
        }
        let err = check_output(site.path(), &std::env::temp_dir(), true).unwrap_err();
        assert!(err.render().contains("system folder"));
        let fine = site.path().join("public");
        assert_eq!(
            check_output(site.path().join("site").as_path(), &fine, false).unwrap(),
            std::fs::canonicalize(site.path()).unwrap().join("public")
        );
    }

    #[test]
    fn system_folders_are_refused_but_their_ordinary_children_are_not() {
        for path in [
            "/usr",
            "/etc/nginx",
            "/proc/1",
            "/var",
            "/home",
            "/usr/lib/x",
        ] {
            assert!(is_system_folder(Path::new(path)), "{path}");
        }
        for path in [
            "/var/www/site",
            "/srv/papers",
            "/home/ada/site",
            "/opt/digest/site",
        ] {
            assert!(!is_system_folder(Path::new(path)), "{path}");
        }
    }
}
