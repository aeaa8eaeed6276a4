//! Running a build as a child process and measuring it: wall time, peak memory (GNU time's
//! maximum resident set size), the output tree, and the I/O floor.

use std::os::unix::fs::MetadataExt as _;
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
    /// CPU seconds in user and in kernel mode (GNU time's `%U`, `%S`); `None` without it.
    pub user_s: Option<f64>,
    pub sys_s: Option<f64>,
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
            c.arg("-f")
                .arg("%e %U %S %M")
                .arg("-o")
                .arg(&report)
                .arg(program);
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
    // GNU time's last line is "%e %U %S %M" (earlier lines would be its notes on a signal).
    let fields: Vec<f64> = time
        .and_then(|_| std::fs::read_to_string(&report).ok())
        .and_then(|text| {
            let line = text.lines().last()?.to_string();
            line.split_whitespace().map(|f| f.parse().ok()).collect()
        })
        .filter(|f: &Vec<f64>| f.len() == 4)
        .unwrap_or_default();
    let field = |i: usize| fields.get(i).copied();
    Ok(Run {
        wall_s,
        load,
        peak_mib: field(3).map(|kib| kib / 1024.0),
        user_s: field(1),
        sys_s: field(2),
    })
}

/// Files and bytes of a tree (symlinks not followed).
#[derive(Clone, Copy, Debug, Default)]
pub struct Tree {
    pub files: u64,
    pub bytes: u64,
    /// Folders below the root.
    pub dirs: u64,
    /// What the files and folders take on the disk (allocated blocks, as `du`).
    pub disk_bytes: u64,
}

pub fn tree(root: &Path) -> std::io::Result<Tree> {
    let mut total = Tree::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                total.dirs += 1;
                total.disk_bytes += entry.metadata()?.blocks() * 512;
                stack.push(entry.path());
            } else if kind.is_file() {
                let meta = entry.metadata()?;
                total.files += 1;
                total.bytes += meta.len();
                total.disk_bytes += meta.blocks() * 512;
            }
        }
    }
    Ok(total)
}

/// Sizes of the paper pages (`papers/<slug>/index.html`) of an output: how many, the median
/// and the mean in bytes; `None` when it has none.
pub fn paper_pages(out: &Path) -> Option<(u64, u64, f64)> {
    let mut sizes: Vec<u64> = std::fs::read_dir(out.join("papers"))
        .ok()?
        .filter_map(|e| std::fs::metadata(e.ok()?.path().join("index.html")).ok())
        .map(|m| m.len())
        .collect();
    if sizes.is_empty() {
        return None;
    }
    sizes.sort_unstable();
    let mean = sizes.iter().sum::<u64>() as f64 / sizes.len() as f64;
    Some((sizes.len() as u64, sizes[sizes.len() / 2], mean))
}

/// Free bytes and free inodes for an unprivileged user on the file system of `path`.
pub fn free_space(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt as _;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    // SAFETY: an all-zero statvfs is a valid value to be overwritten.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a pointer to a statvfs we own.
    if unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    #[allow(clippy::unnecessary_cast)] // the field types differ between targets
    Ok((
        stat.f_bavail as u64 * stat.f_frsize as u64,
        stat.f_favail as u64,
    ))
}

/// The machine's memory (`MemTotal` of /proc/meminfo), in bytes.
pub fn total_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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

    /// What the trash takes on the disk.
    pub fn disk_bytes(&self) -> u64 {
        tree(&self.dir).map_or(0, |t| t.disk_bytes)
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
