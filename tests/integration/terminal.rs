//! The terminal's lifecycle, with the real binary in a pseudo-terminal: whatever ends the
//! dashboard (a key, a signal, a panic, a hang-up), the terminal is left as it was found and the
//! process does not linger or spin.

#![cfg(unix)]

use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, FdFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::pty::{Winsize, openpty};
use nix::sys::signal::{Signal, kill};
use nix::sys::termios::{LocalFlags, tcgetattr};
use nix::unistd::Pid;

const LEAVE_ALTERNATE_SCREEN: &str = "\x1b[?1049l";
const ENTER_ALTERNATE_SCREEN: &str = "\x1b[?1049h";
const SHOW_CURSOR: &str = "\x1b[?25h";
/// The last of the sequences that turn mouse reports off.
const NO_MOUSE: &str = "\x1b[?1000l";
/// Focus reports off (the dashboard asks for them to tell when nobody is looking).
const NO_FOCUS_REPORTS: &str = "\x1b[?1004l";
/// The replayed log the replay tests read.
const REPLAY_LOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/replay/tail.log");
/// How long the dashboard may take to go away once told to.
const PROMPTLY: Duration = Duration::from_secs(2);
/// How long a first frame may take on a busy machine (a debug build, tests running alongside).
const FIRST_FRAME: Duration = Duration::from_secs(20);

/// Held while creating a terminal and starting a process on it.
static FORK_LOCK: Mutex<()> = Mutex::new(());

/// `lambdatop` running in a 100×30 pseudo-terminal, its output collected by a reader thread.
struct Dashboard {
    child: Child,
    /// The terminal side the process uses; kept here to read its modes after the process ends.
    slave: OwnedFd,
    master: Option<Arc<std::fs::File>>,
    output: Arc<Mutex<Vec<u8>>>,
    stop_reader: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

/// Whether the pseudo-terminal becomes the process's controlling terminal, as in a real session
/// (then a hang-up also sends SIGHUP), or is only its standard streams (then only the failing
/// reads and writes tell it the terminal is gone).
#[derive(Clone, Copy, PartialEq)]
enum Controlling {
    Yes,
    No,
}

impl Dashboard {
    fn start(args: &[&str], envs: &[(&str, &str)], controlling: Controlling) -> Self {
        Self::start_with_stdin(args, envs, controlling, None)
    }

    /// Starts it with `stdin` instead of the terminal as standard input (a pipe into
    /// `--replay -`); keys then come from the controlling terminal.
    fn start_with_stdin(
        args: &[&str],
        envs: &[(&str, &str)],
        controlling: Controlling,
        stdin: Option<Stdio>,
    ) -> Self {
        let size = Winsize {
            ws_row: 30,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // The terminal's descriptors must not leak into other tests' processes (which run
        // alongside): a leaked master would keep the terminal alive after `hang_up`. They are
        // made close-on-exec before anything else can fork.
        let _forking = FORK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let pty = openpty(Some(&size), None).expect("openpty");
        for fd in [&pty.master, &pty.slave] {
            fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC)).expect("close-on-exec");
        }
        let stream = || Stdio::from(pty.slave.try_clone().expect("dup the terminal"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdatop"));
        cmd.args(args)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .env_remove("AWS_PROFILE")
            .env_remove("LAMBDATOP_PANIC_AFTER_MS")
            .stdin(stdin.unwrap_or_else(stream))
            .stdout(stream())
            .stderr(stream());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        // SAFETY: only async-signal-safe calls between fork and exec.
        #[allow(unsafe_code)]
        unsafe {
            cmd.pre_exec(move || {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if controlling == Controlling::Yes && libc::ioctl(1, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start lambdatop");
        let master = Arc::new(std::fs::File::from(pty.master));
        let output = Arc::new(Mutex::new(Vec::new()));
        let stop_reader = Arc::new(AtomicBool::new(false));
        let reader = {
            let (master, output, stop) = (master.clone(), output.clone(), stop_reader.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 1 << 16];
                while !stop.load(Ordering::Relaxed) {
                    let mut fds = [PollFd::new(master.as_fd(), PollFlags::POLLIN)];
                    match poll(&mut fds, PollTimeout::from(20u8)) {
                        Ok(0) => continue,
                        Ok(_) => {}
                        Err(nix::errno::Errno::EINTR) => continue,
                        Err(_) => break,
                    }
                    match (&*master).read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => output.lock().unwrap().extend_from_slice(&buf[..n]),
                        // EIO: every slave descriptor is closed; wait for the flag.
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            })
        };
        Dashboard {
            child,
            slave: pty.slave,
            master: Some(master),
            output,
            stop_reader,
            reader: Some(reader),
        }
    }

    /// `lambdatop --replay - <args>` reading a pipe; returns the pipe's end to write the log to.
    fn piped_replay(args: &[&str]) -> (Self, std::io::PipeWriter) {
        let (reader, writer) = std::io::pipe().expect("pipe");
        let args = [&["--replay", "-"], args].concat();
        let d = Self::start_with_stdin(&args, &[], Controlling::Yes, Some(Stdio::from(reader)));
        (d, writer)
    }

    fn demo() -> Self {
        Self::start(&["--demo"], &[], Controlling::Yes)
    }

    fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits until the output contains `needle`.
    fn wait_for(&mut self, needle: &str, timeout: Duration) {
        self.wait_for_from(0, needle, timeout);
    }

    /// Waits until the output from byte `from` on contains `needle`.
    fn wait_for_from(&mut self, from: usize, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.output().get(from..).unwrap_or("").contains(needle) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "lambdatop ended ({status}) before showing {needle:?}:\n{}",
                    self.output()
                );
            }
            if Instant::now() > deadline {
                panic!("no {needle:?} within {timeout:?}:\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the dashboard and waits for its first frame (the header).
    fn first_frame(&mut self) {
        self.wait_for(ENTER_ALTERNATE_SCREEN, FIRST_FRAME);
        self.wait_for("lambdatop", FIRST_FRAME);
        self.wait_for("Invocations", FIRST_FRAME);
    }

    fn send(&self, bytes: &[u8]) {
        let master = self.master.as_ref().expect("terminal open");
        (&**master)
            .write_all(bytes)
            .expect("type into the terminal");
    }

    fn signal(&self, signal: Signal) {
        kill(self.pid(), signal).expect("signal lambdatop");
    }

    /// Closes the terminal's master side, as a terminal emulator or sshd does when it goes away.
    fn hang_up(&mut self) {
        self.stop_reader.store(true, Ordering::Relaxed);
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        let master = self.master.take().expect("terminal open");
        assert_eq!(Arc::strong_count(&master), 1);
        drop(master);
    }

    /// Waits at most `timeout` for the process to end; returns how it ended and after how long.
    /// A process still running then is killed and the test fails, with the CPU time it burnt.
    fn wait_exit(&mut self, timeout: Duration) -> (ExitStatus, Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Let the reader take what the process wrote last.
                std::thread::sleep(Duration::from_millis(150));
                return (status, start.elapsed());
            }
            if start.elapsed() > timeout {
                let cpu = cpu_time(self.pid());
                std::thread::sleep(Duration::from_secs(1));
                let spin = cpu_time(self.pid()).saturating_sub(cpu);
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "lambdatop still running {timeout:?} later (using {spin:?} CPU per second); output:\n{:?}",
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the process is stopped (state `T` in `/proc/<pid>/stat`).
    fn wait_stopped(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while process_state(self.pid()) != Some('T') {
            assert!(
                Instant::now() < deadline,
                "not stopped within {timeout:?} (state {:?}):\n{:?}",
                process_state(self.pid()),
                self.output()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the terminal is in raw mode (not cooked).
    fn wait_raw(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.cooked() {
            assert!(
                Instant::now() < deadline,
                "raw mode not back within {timeout:?}:\n{:?}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Asserts the process uses next to no CPU over two seconds.
    fn assert_idle(&self) {
        let before = cpu_time(self.pid());
        std::thread::sleep(Duration::from_secs(2));
        let used = cpu_time(self.pid()) - before;
        // A frame a second; a busy loop would use up to 2 s here (less on a loaded machine).
        assert!(
            used < Duration::from_millis(200),
            "{used:?} CPU in 2 s idle"
        );
    }

    /// Waits for the process to end with exit code `code`, the terminal as it was found.
    fn ends_cleanly(&mut self, code: i32) {
        let (status, _) = self.wait_exit(PROMPTLY);
        assert_eq!(status.code(), Some(code), "{status}: {}", self.output());
        assert_restored(&self.output());
        assert!(self.cooked(), "raw mode left on");
    }

    /// Whether the terminal is back in its normal (cooked, echoing) mode.
    fn cooked(&self) -> bool {
        let t = tcgetattr(self.slave.as_fd()).expect("tcgetattr");
        t.local_flags.contains(LocalFlags::ICANON) && t.local_flags.contains(LocalFlags::ECHO)
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.stop_reader.store(true, Ordering::Relaxed);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

/// The fields of `/proc/<pid>/stat` from the third (the state) on; `None` once it is gone.
fn stat_fields(pid: Pid) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name before them may hold spaces: it ends at the last ')'.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// The one-letter state of a process (`R`, `S`, `T` for stopped…).
fn process_state(pid: Pid) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

/// User plus system CPU time of a running process, from `/proc/<pid>/stat`.
fn cpu_time(pid: Pid) -> Duration {
    let Some(fields) = stat_fields(pid) else {
        return Duration::ZERO;
    };
    // utime and stime are fields 14 and 15.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    // SAFETY: sysconf only reads a constant of the system.
    #[allow(unsafe_code)]
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}

/// The output after the dashboard's last frame ends by leaving the alternate screen and showing
/// the cursor.
fn assert_restored(output: &str) {
    let leave = output
        .rfind(LEAVE_ALTERNATE_SCREEN)
        .unwrap_or_else(|| panic!("never left the alternate screen:\n{output:?}"));
    let enter = output.rfind(ENTER_ALTERNATE_SCREEN).unwrap();
    assert!(leave > enter, "{output:?}");
    let show = output
        .rfind(SHOW_CURSOR)
        .unwrap_or_else(|| panic!("cursor never shown again:\n{output:?}"));
    assert!(show > enter, "{output:?}");
    let tail = &output[leave..];
    assert!(
        !tail.contains("lambdatop "),
        "drew again after leaving the alternate screen: {tail:?}"
    );
}

#[test]
fn q_quits_and_restores_the_terminal() {
    let mut d = Dashboard::demo();
    d.first_frame();
    assert!(!d.cooked(), "the dashboard runs in raw mode");
    d.send(b"q");
    let (status, took) = d.wait_exit(PROMPTLY);
    assert_eq!(status.code(), Some(0), "{}", d.output());
    assert!(took < PROMPTLY, "{took:?}");
    assert_restored(&d.output());
    assert!(d.cooked(), "raw mode left on");
}

#[test]
fn sigterm_exits_cleanly() {
    let mut d = Dashboard::demo();
    d.first_frame();
    d.signal(Signal::SIGTERM);
    let (status, _) = d.wait_exit(PROMPTLY);
    assert_eq!(status.code(), Some(0), "{}", d.output());
    assert_restored(&d.output());
    assert!(d.cooked(), "raw mode left on");
}

#[test]
fn sighup_exits_promptly() {
    let mut d = Dashboard::demo();
    d.first_frame();
    d.signal(Signal::SIGHUP);
    let (status, _) = d.wait_exit(PROMPTLY);
    assert_eq!(status.code(), Some(0), "{}", d.output());
    assert_restored(&d.output());
    assert!(d.cooked(), "raw mode left on");
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    if !cfg!(debug_assertions) {
        // The trigger exists in debug builds only.
        return;
    }
    let mut d = Dashboard::start(
        &["--demo"],
        &[("LAMBDATOP_PANIC_AFTER_MS", "300")],
        Controlling::Yes,
    );
    d.first_frame();
    let (status, _) = d.wait_exit(FIRST_FRAME);
    let out = d.output();
    assert_eq!(status.code(), Some(101), "{out}");
    let message = out.find("panicked at").expect("the panic message is shown");
    let leave = out
        .find(LEAVE_ALTERNATE_SCREEN)
        .expect("left the alternate screen");
    let show = out[..message].rfind(SHOW_CURSOR);
    assert!(leave < message, "restored after the message: {out:?}");
    assert!(show.is_some_and(|s| s > out.find(ENTER_ALTERNATE_SCREEN).unwrap()));
    assert!(d.cooked(), "raw mode left on");
}

#[test]
fn closing_the_terminal_ends_the_process() {
    // A controlling terminal that goes away sends SIGHUP, as when an SSH connection drops.
    let mut d = Dashboard::demo();
    d.first_frame();
    d.hang_up();
    let (status, _) = d.wait_exit(PROMPTLY);
    assert!(status.code().is_some(), "killed by {:?}", status.signal());
}

#[test]
fn a_dead_terminal_ends_the_process_without_a_signal() {
    // Not the controlling terminal: no SIGHUP comes, only failing reads and writes.
    let mut d = Dashboard::start(&["--demo"], &[], Controlling::No);
    d.first_frame();
    d.hang_up();
    let (status, _) = d.wait_exit(PROMPTLY);
    // The terminal vanished under it: an error exit, but no panic (which would exit 101).
    assert_eq!(status.code(), Some(1), "{status}");
}

#[test]
fn idle_dashboard_does_not_spin() {
    let mut d = Dashboard::demo();
    d.first_frame();
    std::thread::sleep(Duration::from_millis(500));
    d.assert_idle();
    d.send(b"q");
    assert_eq!(d.wait_exit(PROMPTLY).0.code(), Some(0));
}

/// Waits until the replayed `function` shows, then checks the dashboard sits idle.
fn idle_once_read(d: &mut Dashboard, function: &str) {
    d.first_frame();
    d.wait_for(function, FIRST_FRAME);
    std::thread::sleep(Duration::from_millis(500));
    d.assert_idle();
}

#[test]
fn replay_of_a_file_is_idle_once_read() {
    let mut d = Dashboard::start(
        &["--replay", REPLAY_LOG, "--function", "replayed-fn"],
        &[],
        Controlling::Yes,
    );
    idle_once_read(&mut d, "replayed-fn");
    d.send(b"q");
    d.ends_cleanly(0);
}

#[test]
fn replay_of_a_closed_pipe_is_idle_and_keys_work() {
    let (mut d, mut writer) = Dashboard::piped_replay(&["--function", "piped-fn"]);
    let log = std::fs::read(REPLAY_LOG).expect("read the log");
    writer.write_all(&log).expect("write the log");
    // The end of the input, as when `aws logs tail` (without --follow) is done.
    drop(writer);
    idle_once_read(&mut d, "piped-fn");
    // Standard input is the log: keys come from the terminal all the same. Esc does not quit;
    // it says what does.
    let before = d.output().len();
    d.send(b"\x1b");
    d.wait_for_from(before, "q quits", Duration::from_secs(5));
    d.send(b"q");
    d.ends_cleanly(0);
}

/// Esc on the table never ends the dashboard (an on-call engineer presses it by reflex); `q`
/// from the detail view goes back to the table; `q` from the table quits.
#[test]
fn esc_never_quits_and_q_backs_out_of_the_detail_view() {
    let mut d = Dashboard::start(&["--demo"], &[], Controlling::Yes);
    d.first_frame();
    let before = d.output().len();
    d.send(b"\x1b");
    d.wait_for_from(before, "nothing to close", Duration::from_secs(5));
    let before = d.output().len();
    d.send(b"\r");
    d.wait_for_from(before, "Recent invocations", Duration::from_secs(5));
    // `q` in the detail view goes back (the table's behaviour is checked without a terminal
    // in tui.rs): the dashboard is still there a second later.
    d.send(b"q");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        d.child.try_wait().expect("wait").is_none(),
        "q in the detail view ended lambdatop"
    );
    d.send(b"q");
    d.ends_cleanly(0);
}

/// In the log pane: `y` writes one OSC 52 sequence to the terminal (and says so); Enter opens
/// the line in a pop-up that `q` closes without quitting.
#[test]
fn y_copies_with_osc52_and_q_closes_the_popup() {
    let mut d = Dashboard::demo();
    d.first_frame();
    d.send(b"\t");
    d.wait_for("REPORT RequestId", Duration::from_secs(10));
    let before = d.output().len();
    d.send(b"y");
    d.wait_for_from(before, "(OSC 52)", Duration::from_secs(5));
    let out = d.output();
    let written = &out[before..];
    let start = written.find("\x1b]52;c;").expect("an OSC 52 sequence");
    let payload = &written[start + "\x1b]52;c;".len()..];
    let end = payload.find('\x07').expect("ended by BEL");
    let payload = &payload[..end];
    assert!(
        !payload.is_empty()
            && payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
        "{payload:?}"
    );
    assert_eq!(written.matches("\x1b]52;").count(), 1, "{written:?}");
    let before = d.output().len();
    d.send(b"\r");
    d.wait_for_from(before, "Log line", Duration::from_secs(5));
    d.send(b"q");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        d.child.try_wait().expect("wait").is_none(),
        "q in the pop-up ended lambdatop"
    );
    d.send(b"Q");
    d.ends_cleanly(0);
}

#[test]
fn ctrl_c_quits_a_replay_from_a_live_pipe() {
    let (mut d, writer) = Dashboard::piped_replay(&[]);
    d.first_frame();
    d.send(b"\x03");
    d.ends_cleanly(0);
    drop(writer);
}

#[test]
fn replay_from_the_terminal_itself_is_refused() {
    // Nothing piped: standard input is the terminal the keys would come from.
    let mut d = Dashboard::start(&["--replay", "-"], &[], Controlling::Yes);
    let (status, _) = d.wait_exit(FIRST_FRAME);
    let out = d.output();
    assert_eq!(status.code(), Some(2), "{out}");
    assert!(
        out.contains("lambdatop: --replay - reads logs from standard input, which is this terminal: pipe logs in, e.g. aws logs tail"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(!out.contains(ENTER_ALTERNATE_SCREEN), "{out:?}");
    assert!(d.cooked());
}

/// Stops the dashboard with `stop` (which must end in SIGTSTP), checks the terminal is the
/// shell's while it is stopped, continues it and checks it takes the terminal back and repaints;
/// then `quit` ends it.
fn suspend_and_resume(stop: impl FnOnce(&mut Dashboard), quit: &[u8]) {
    let mut d = Dashboard::demo();
    d.first_frame();
    assert!(!d.cooked(), "the dashboard runs in raw mode");
    let mark = d.output().len();
    stop(&mut d);
    d.wait_stopped(PROMPTLY);
    assert!(d.cooked(), "raw mode left on while stopped");
    // What it wrote before it stopped may take a moment to be read.
    for sequence in [
        LEAVE_ALTERNATE_SCREEN,
        SHOW_CURSOR,
        NO_MOUSE,
        NO_FOCUS_REPORTS,
    ] {
        d.wait_for_from(mark, sequence, PROMPTLY);
    }
    let mark = d.output().len();
    d.signal(Signal::SIGCONT);
    d.wait_raw(PROMPTLY);
    d.wait_for_from(mark, "Invocations", PROMPTLY);
    // The whole screen is painted again, not only what changed meanwhile.
    let after = d.output()[mark..].to_string();
    let enter = after
        .find(ENTER_ALTERNATE_SCREEN)
        .unwrap_or_else(|| panic!("alternate screen not entered again: {after:?}"));
    let header = after.rfind("lambdatop").expect("header painted again");
    assert!(header > enter, "{after:?}");
    assert!(after.rfind("Invocations").unwrap() > enter, "{after:?}");
    d.send(quit);
    d.ends_cleanly(0);
}

#[test]
fn sigtstp_gives_the_terminal_back_until_sigcont() {
    suspend_and_resume(|d| d.signal(Signal::SIGTSTP), b"q");
}

#[test]
fn ctrl_z_gives_the_terminal_back_until_sigcont() {
    // In raw mode the terminal sends no SIGTSTP for ^Z: the key arrives instead. It suspends
    // while a filter is being typed too.
    let stop = |d: &mut Dashboard| {
        d.send(b"/");
        d.wait_for("/▏", PROMPTLY);
        d.send(b"\x1a");
    };
    // Enter ends the (empty) filter, q quits.
    suspend_and_resume(stop, b"\rq");
}

#[test]
fn sigint_exits_130_and_restores_the_terminal() {
    let mut d = Dashboard::demo();
    d.first_frame();
    d.signal(Signal::SIGINT);
    d.ends_cleanly(130);
}

#[test]
fn once_into_a_closed_pipe_exits_quietly() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lambdatop"));
    command
        .args(["--demo", "--once"])
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = {
        let _forking = FORK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        command.spawn().expect("start lambdatop")
    };
    // The reader goes away before anything is written, like `| head -c 0`.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn once_into_head_exits_quietly() {
    // The reader takes ten bytes and leaves while the table is still being written.
    let err = std::env::temp_dir().join(format!("lambdatop-head-{}.err", std::process::id()));
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(r#""$0" --demo --once 2>"$1" | head -c 10 >/dev/null"#)
        .arg(env!("CARGO_BIN_EXE_lambdatop"))
        .arg(&err)
        .env_remove("AWS_PROFILE")
        .stdout(Stdio::null());
    let child = {
        let _forking = FORK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        command.spawn().expect("run sh")
    };
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    let _ = std::fs::remove_file(&err);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

/// A server that accepts connections and never answers: every AWS call hangs.
fn hanging_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    format!("http://{addr}")
}

#[test]
fn keys_answer_while_aws_calls_hang() {
    let endpoint = hanging_endpoint();
    let home = std::env::temp_dir().join(format!("lambdatop-hang-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("home");
    let home = home.to_string_lossy().into_owned();
    let mut d = Dashboard::start(
        &[],
        &[
            ("AWS_ENDPOINT_URL", endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("HOME", home.as_str()),
        ],
        Controlling::Yes,
    );
    d.first_frame();
    // Every poller is now waiting on a response that never comes. The help overlay must still
    // open at once: best of three presses under 100 ms.
    let mut best = Duration::MAX;
    for n in 1..=3 {
        let start = Instant::now();
        d.send(b"?");
        let deadline = start + Duration::from_secs(5);
        while d.output().matches("this help").count() < n {
            assert!(
                Instant::now() < deadline,
                "no help overlay:\n{}",
                d.output()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        best = best.min(start.elapsed());
        d.send(b"\x1b");
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(best < Duration::from_millis(100), "keys took {best:?}");
    d.send(b"q");
    let (status, _) = d.wait_exit(PROMPTLY);
    assert_eq!(status.code(), Some(0), "{}", d.output());
    assert_restored(&d.output());
}

#[test]
fn a_live_pipe_into_replay_is_shown_as_it_arrives() {
    let (mut d, mut writer) = Dashboard::piped_replay(&["--function", "live-orders"]);
    // As `aws logs tail --follow` prints one invocation, then waits for the next.
    let stream = "2026/11/27/[$LATEST]0a1b2c3d";
    writeln!(
        writer,
        "2026-11-27T02:00:00.000000+00:00 {stream} START RequestId: 5d4f0c8e-1b2a-4c3d-9e8f-7a6b5c4d3e2f Version: $LATEST\n\
         2026-11-27T02:00:00.210000+00:00 {stream} REPORT RequestId: 5d4f0c8e-1b2a-4c3d-9e8f-7a6b5c4d3e2f\t\
         Duration: 204.31 ms\tBilled Duration: 205 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t"
    )
    .expect("write the log");
    writer.flush().expect("flush");
    // The pipe stays open: the invocation must show without waiting for more input.
    d.wait_for("live-orders", FIRST_FRAME);
    d.wait_for("204", FIRST_FRAME);
    d.send(b"q");
    let (status, _) = d.wait_exit(PROMPTLY);
    assert_eq!(status.code(), Some(0), "{}", d.output());
    assert_restored(&d.output());
    drop(writer);
}
