//! Running a build as a child process and measuring it: wall time, peak memory (GNU time's
//! maximum resident set size), the output tree, and the I/O floor.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One timed run of a build.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub wall_s: f64,
    /// The 1-minute load average just before the run (other work on the machine skews times).
    pub load: Option<f64>,
    /// Peak resident set size; `None` without GNU time.
    pub peak_mib: Option<f64>,
}

/// GNU time, when installed (`%M` = peak RSS in KiB).
pub fn gnu_time() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/time");
    let ok = Command::new(&path)
        .args(["-f", "%M", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(path)
}

/// Runs `program args…` to completion, timing it ourselves and reading its peak RSS from GNU
/// time when available. A failing build is an error carrying the tail of its output.
pub fn run(
    time: Option<&Path>,
    program: &Path,
    args: &[&str],
    scratch: &Path,
) -> Result<Run, String> {
    let report = scratch.join("time.out");
    let mut cmd = match time {
        Some(time) => {
            let mut c = Command::new(time);
            c.arg("-f").arg("%e %M").arg("-o").arg(&report).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args).stdin(Stdio::null());
    let load = load_average();
    let started = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let wall_s = started.elapsed().as_secs_f64();
    if !out.status.success() {
        let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        let tail: String = text
            .lines()
            .rev()
            .take(15)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        return Err(format!(
            "{} {} failed ({}):\n{tail}",
            program.display(),
            args.join(" "),
            out.status
        ));
    }
    let peak_mib = time.and_then(|_| {
        let text = std::fs::read_to_string(&report).ok()?;
        let kib: f64 = text.split_whitespace().last()?.parse().ok()?;
        Some(kib / 1024.0)
    });
    Ok(Run {
        wall_s,
        load,
        peak_mib,
    })
}

/// Files and bytes of a tree (symlinks not followed).
#[derive(Clone, Copy, Debug, Default)]
pub struct Tree {
    pub files: u64,
    pub bytes: u64,
}

pub fn tree(root: &Path) -> std::io::Result<Tree> {
    let mut total = Tree::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                total.files += 1;
                total.bytes += entry.metadata()?.len();
            }
        }
    }
    Ok(total)
}

/// Every file under `root`, sorted.
pub fn files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `cp -r from to` with std::fs (regular files and folders).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The I/O floor: the time to read every input file of the site into memory and to copy its
/// built output tree to a new folder, single-threaded, page cache as warm as for the builds.
pub fn io_floor(site: &Path, output: &Path, copy_to: &Path, trash: &Trash) -> std::io::Result<f64> {
    trash.discard(copy_to)?;
    settle();
    let started = Instant::now();
    let mut inputs: Vec<Vec<u8>> = vec![std::fs::read(site.join("site.toml"))?];
    for path in files(&site.join("content"))? {
        inputs.push(std::fs::read(path)?);
    }
    copy_tree(output, copy_to)?;
    let seconds = started.elapsed().as_secs_f64();
    drop(inputs);
    trash.discard(copy_to)?;
    Ok(seconds)
}

/// Waits until the disk has taken every pending write (`sync`) and has been quiet for a few
/// seconds, so that a timed run does not also pay for the writeback of the previous run's
/// output or for a large delete still being processed (it made runs up to 4x slower on this
/// VM's disk). The page cache stays as warm as it was.
pub fn settle() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    // Linux's pressure stall information: the share of the last 10 s in which some task
    // waited for I/O. Without it (older kernels), sync alone.
    let io_pressure = || -> Option<f64> {
        let text = std::fs::read_to_string("/proc/pressure/io").ok()?;
        let some = text.lines().find(|l| l.starts_with("some "))?;
        some.split_whitespace()
            .find_map(|field| field.strip_prefix("avg10="))?
            .parse()
            .ok()
    };
    let started = Instant::now();
    while io_pressure().is_some_and(|p| p > QUIET_IO_PRESSURE)
        && started.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(500));
    }
    let waited = started.elapsed().as_secs_f64();
    if waited >= 1.0 {
        println!("  (waited {waited:.0} s for the disk to go quiet)");
    }
}

/// I/O pressure (percent of the last 10 s) under which the disk counts as quiet.
const QUIET_IO_PRESSURE: f64 = 2.0;

/// Where the bench puts the trees it is done with until it ends.
///
/// Deleting a tree of 100,000 files and then timing a build that creates as many files in the
/// same folder measures the file system, not the build: on ext4 without a journal (this
/// machine's), inode allocation passes over inodes deleted in the last 5 seconds, or the last
/// 5 minutes while their inode-table block is dirty, as it is while files are being created
/// (`recently_deleted` in the kernel's `ialloc.c`), looking each one up for every new file.
/// Measured at 100,000 papers: the same build took 35.7 s (41 s of system time) right after a
/// delete, 19.8 s (10.7 s) into a fresh folder. Renaming a tree aside frees no inode, so every
/// timed run starts as on a disk nobody just cleaned; the trash is deleted when the bench ends.
pub struct Trash {
    dir: PathBuf,
    next: std::cell::Cell<u32>,
}

/// How long inodes count as recently deleted on a journal-less ext4 while the file system is
/// being written (the kernel's `RECENTCY_DIRTY` plus `RECENTCY_MIN`), with a margin.
const RECENTLY_DELETED: Duration = Duration::from_secs(310);

impl Trash {
    pub fn new(work: &Path) -> Trash {
        Trash {
            dir: work.join("trash"),
            next: std::cell::Cell::new(0),
        }
    }

    /// Waits out the previous bench's emptying of its trash if it was less than 5 minutes
    /// ago: until then, creating files scans past the inodes it freed (measured: the I/O floor
    /// of 10,000 papers took 4.1 s instead of 0.7 s, digest 3.6 s instead of 1.9 s).
    pub fn wait_for_last_emptying(&self) {
        let Some(age) = std::fs::metadata(self.stamp())
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
        else {
            return;
        };
        if let Some(left) = RECENTLY_DELETED.checked_sub(age) {
            println!(
                "waiting {} s: the last run of the bench deleted its trees {} s ago, and this \
                 file system reuses their inodes only 5 minutes after (see measure::Trash)",
                left.as_secs(),
                age.as_secs()
            );
            std::thread::sleep(left);
        }
    }

    fn stamp(&self) -> PathBuf {
        self.dir.with_file_name("trash-emptied")
    }

    /// Moves `path` (if present) into the trash.
    pub fn discard(&self, path: &Path) -> std::io::Result<()> {
        if !path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        loop {
            let n = self.next.get();
            self.next.set(n + 1);
            let target = self.dir.join(format!("{}-{n}", std::process::id()));
            if !target.exists() {
                return std::fs::rename(path, target);
            }
        }
    }

    /// Deletes everything discarded (also by earlier, interrupted runs of the bench) and notes
    /// when, for [`Trash::wait_for_last_emptying`].
    pub fn empty(&self) -> std::io::Result<()> {
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir)?;
            std::fs::write(self.stamp(), b"")?;
        }
        Ok(())
    }
}

/// The 1-minute load average (Linux), if readable.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Size of `dir` packed as GitHub Pages' upload action packs it: `tar` of the folder, then
/// deflate at level 6 (the action's zip); measured with `tar | gzip -6`, whose deflate stream
/// is the same size give or take a few bytes per file of headers.
pub fn pages_artifact(dir: &Path) -> Result<u64, String> {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("tar -cf - --exclude=.git --exclude=.github -C \"$1\" . | gzip -6 | wc -c")
        .arg("sh")
        .arg(dir)
        .output()
        .map_err(|e| format!("n/a (cannot run tar | gzip: {e})"))?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|_| "n/a (tar or gzip missing)".to_string())
}
