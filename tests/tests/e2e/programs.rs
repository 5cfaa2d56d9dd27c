//! The programs as users start them: the workspace's binaries as real processes, on a virtual
//! X display (Xvfb) when they open windows, with their logs kept and read for panics.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a program must stay alive after its start (issue: "alive after 20 s").
pub const ALIVE_FOR: Duration = Duration::from_secs(20);

/// A workspace binary built by `cargo build --workspace --bins` (the test command does that).
pub fn binary(name: &str) -> PathBuf {
    let server = crate::util::server_binary();
    let binary = server.with_file_name(name);
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --workspace --bins` before the tests",
        binary.display()
    );
    binary
}

/// A virtual X display of its own (`Xvfb`), stopped on drop.
pub struct VirtualDisplay {
    child: Child,
    /// `:N`, for `DISPLAY`.
    pub name: String,
}

impl VirtualDisplay {
    /// A display that answers clients: Xvfb is started again (up to three times) when it
    /// ends before a client could connect, as one did once under a loaded CI run.
    pub fn start(width: u32, height: u32) -> VirtualDisplay {
        let mut ended = Vec::new();
        for _ in 0..3 {
            match VirtualDisplay::try_start(width, height) {
                Ok(display) => return display,
                Err(why) => ended.push(why),
            }
        }
        panic!("Xvfb did not give a usable display: {ended:?}");
    }

    fn try_start(width: u32, height: u32) -> Result<VirtualDisplay, String> {
        // `-displayfd 1` makes Xvfb choose a free display and print its number when ready.
        // `-noreset`: without it, Xvfb resets when its last client leaves (here the check
        // below), and a client connecting meanwhile is refused ("Failed to open connection to
        // X server", twice in CI): 5-13 of 600 connections by four clients at once, measured,
        // none of 1,200 with it.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-noreset",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
            ])
            .arg(format!("{width}x{height}x24"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (Debian package xvfb; scripts/test installs it)");
        let stdout = child.stdout.take().expect("stdout");
        // Stopped on drop from here on, whatever happens next.
        let mut display = VirtualDisplay {
            name: String::new(),
            child,
        };
        let mut number = String::new();
        BufReader::new(stdout)
            .read_line(&mut number)
            .map_err(|e| format!("no display number: {e}"))?;
        display.name = format!(":{}", number.trim());
        if number.trim().is_empty() {
            return Err("Xvfb printed no display number".into());
        }
        // A client must be able to connect before the program under test is started.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let answered = Command::new("xdotool")
                .arg("getdisplaygeometry")
                .env("DISPLAY", &display.name)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("xdotool (Debian package xdotool; scripts/test installs it)");
            if answered.success() {
                return Ok(display);
            }
            if Instant::now() > deadline {
                return Err(format!("{} did not answer within 10 s", display.name));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The whole screen as RGB pixels (ImageMagick's `import`, as a PNG).
    pub fn screenshot(&self, path: &Path) -> image::RgbImage {
        let status = Command::new("import")
            .args(["-display", &self.name, "-window", "root"])
            .arg(path)
            .status()
            .expect("import (Debian package imagemagick; scripts/test installs it)");
        assert!(status.success(), "import failed");
        image::open(path).expect("a PNG").to_rgb8()
    }

    /// The id of the first window of `program` whose name matches `pattern`, waiting up to
    /// `within`; fails at once if the program panics or exits first.
    pub fn window(&self, program: &mut Program, pattern: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            program.assert_alive();
            let found = Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", pattern])
                .env("DISPLAY", &self.name)
                .output()
                .expect("xdotool (Debian package xdotool; scripts/test installs it)");
            let text = String::from_utf8_lossy(&found.stdout);
            if let Some(id) = text.lines().next() {
                return id.trim().to_owned();
            }
            assert!(Instant::now() < deadline, "no window named {pattern:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Clicks at `(x, y)` inside `window`, as a finger on the touchscreen would.
    pub fn click(&self, window: &str, x: f32, y: f32) {
        let status = Command::new("xdotool")
            .args(["mousemove", "--sync", "--window", window])
            .arg(format!("{}", x.round()))
            .arg(format!("{}", y.round()))
            .args(["click", "1"])
            .env("DISPLAY", &self.name)
            .status()
            .expect("xdotool");
        assert!(status.success(), "xdotool click failed");
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running program whose standard output and error go to a log file; killed on drop.
pub struct Program {
    name: String,
    child: Child,
    log: PathBuf,
    started: Instant,
}

impl Program {
    /// Starts `command`, logging to `NAME.log` in `dir`.
    pub fn start(name: &str, mut command: Command, dir: &Path) -> Program {
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).expect("log file");
        let child = command
            .env("RUST_LOG", "info")
            .env("RUST_BACKTRACE", "1")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {name}: {error}"));
        Program {
            name: name.to_owned(),
            child,
            log,
            started: Instant::now(),
        }
    }

    /// The environment the running program has now (`/proc/PID/environ`), as `NAME=value`.
    pub fn environment(&self) -> Vec<String> {
        let path = format!("/proc/{}/environ", self.child.id());
        let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        bytes
            .split(|byte| *byte == 0)
            .filter(|entry| !entry.is_empty())
            .map(|entry| String::from_utf8_lossy(entry).into_owned())
            .collect()
    }

    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// Fails the test with the program's panic line, or its exit and log, if it is not
    /// running.
    pub fn assert_alive(&mut self) {
        let log = self.log();
        if let Some(line) = log.lines().find(|line| line.contains("panicked at")) {
            panic!("{} panicked: {line}\n{log}", self.name);
        }
        if let Some(status) = self.child.try_wait().expect("try_wait") {
            panic!("{} exited ({status}):\n{log}", self.name);
        }
    }

    /// Waits for a log line containing `needle` and returns it; fails at once if the program
    /// panics or exits first.
    pub fn wait_for_line(&mut self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            self.assert_alive();
            if let Some(line) = self.log().lines().find(|line| line.contains(needle)) {
                return line.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "{} logged no {needle:?} within {within:?}:\n{}",
                self.name,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the program has run for [`ALIVE_FOR`], then checks it still runs.
    pub fn assert_alive_after_start_period(&mut self) {
        let remaining = ALIVE_FOR.saturating_sub(self.started.elapsed());
        std::thread::sleep(remaining);
        self.assert_alive();
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The share of pixels in a rectangle that differ between two screenshots of one size.
pub fn changed_share(before: &image::RgbImage, after: &image::RgbImage, area: Area) -> f64 {
    let mut changed = 0u64;
    let mut all = 0u64;
    for y in area.y..(area.y + area.height).min(before.height()) {
        for x in area.x..(area.x + area.width).min(before.width()) {
            all += 1;
            if before.get_pixel(x, y) != after.get_pixel(x, y) {
                changed += 1;
            }
        }
    }
    if all == 0 {
        return 0.0;
    }
    changed as f64 / all as f64
}

/// A rectangle of a window in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}
