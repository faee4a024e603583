//! Statements are parsed on a thread of their own with a large stack, and handed back in
//! order.
//!
//! libpg_query accepts expressions nested thousands of levels deep (it stops at
//! PostgreSQL's `max_stack_depth`, 2 MB of C stack, and at 10,000 protobuf levels), and
//! pg_query decodes, clones and drops its tree recursively in Rust. That needs far more
//! stack per level than the C side: about 3 KB in a release build and 50 KB in a debug
//! build (pg_query's decoder is generic, so it is compiled into this crate, unoptimised
//! in a debug build). The deepest tree libpg_query produces needs about 15 MB, or
//! 260 MB unoptimised: more than the main thread's 8 MB or a test thread's 2 MB. The
//! stack is reserved, not used: only the pages a deep statement touches are allocated.
//!
//! Each thread that replays SQL gets up to [`PARSING_THREADS`] parsing threads, started
//! on first use and ended when the replaying thread ends. Statements go out in batches,
//! dealt round-robin to the parsing threads (a short file to the first only), and come
//! back batch by batch in the same order, so the threads wake each other once per batch,
//! parsing runs on several cores and overlaps replay, and at most [`BATCHES_AHEAD`]
//! batches per thread wait for replay.

use super::parse::parse_statement;
use super::statement::Statement;
use std::any::Any;
use std::cell::RefCell;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};

/// Stack of the parsing thread: twice what the deepest tree libpg_query produces needs.
/// A thread that parses with [`parse_here`] needs as much.
pub const PARSER_STACK: usize = if cfg!(debug_assertions) {
    512 << 20
} else {
    64 << 20
};

/// Parsed statements are handed back in batches of this many, or fewer when their text
/// passes [`BATCH_BYTES`].
const BATCH_STATEMENTS: usize = 32;
const BATCH_BYTES: usize = 64 << 10;

/// How many batches may wait for replay, per parsing thread.
const BATCHES_AHEAD: usize = 4;

/// Parsing threads per replaying thread, at most (fewer on fewer cores). Parsing is
/// most of replaying a large file.
pub const PARSING_THREADS: usize = 2;

/// A file of fewer batches than this goes to one parsing thread.
const SHARED_FROM_BATCHES: usize = 8;

/// What parsing one statement gave.
pub type Parsed = Result<Vec<Statement>, String>;

/// One statement to parse (or, with `parse` false, only to hand back).
pub struct Job {
    pub sql: String,
    pub parse: bool,
}

/// A statement handed back: its text, and what parsing gave (`None` if not parsed),
/// or the panic parsing raised.
type Done = (String, Result<Option<Parsed>, Box<dyn Any + Send>>);

/// Batches for one parsing thread, each answered by one reply, in order.
struct Request {
    batches: Vec<Vec<Job>>,
    replies: SyncSender<Vec<Done>>,
}

thread_local! {
    static PARSERS: RefCell<Vec<Option<Sender<Request>>>> = const { RefCell::new(Vec::new()) };
}

/// Statements handed to the parsing thread, being parsed while this thread does
/// something else (such as replaying the previous file).
pub struct Pending {
    /// One receiver per parsing thread used; batch `b` comes from `replies[b % len]`.
    replies: Option<Vec<Receiver<Vec<Done>>>>,
    /// Statements parsed already, on this thread ([`parse_here`]).
    ready: Option<Vec<Done>>,
    count: usize,
}

/// Start parsing `jobs` on this thread's parsing thread.
pub fn submit(jobs: Vec<Job>) -> Pending {
    let count = jobs.len();
    Pending {
        replies: Some(send(jobs)),
        ready: None,
        count,
    }
}

/// Run `work` on a thread with a stack of [`PARSER_STACK`] and wait for it (here, if
/// no thread can be started): for walking a tree pg_query made of text that may be
/// nested as deep as PostgreSQL allows.
pub fn on_parser_stack<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    let slot = std::sync::Mutex::new(Some(work));
    let ran = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || {
                let work = slot.lock().ok().and_then(|mut w| w.take());
                work.map(|w| w())
            })
            .ok()?;
        Some(handle.join())
    });
    match ran {
        Some(Ok(Some(done))) => done,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        _ => {
            let work = slot.into_inner().ok().flatten().expect("work not run");
            work()
        }
    }
}

/// Run `work` on a new thread of `scope` named `name`, with a stack of
/// [`PARSER_STACK`] (for work that parses or walks text nested as deep as PostgreSQL
/// allows), or here, on this thread's stack, when no thread can be started.
pub fn spawn_scoped_or_here<'scope, F>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: F,
) where
    F: FnOnce() + Send + Copy + 'scope,
{
    let spawned = std::thread::Builder::new()
        .name(name.into())
        .stack_size(PARSER_STACK)
        .spawn_scoped(scope, work);
    if spawned.is_err() {
        work();
    }
}

/// Parse `jobs` on this thread, now, sparing the hand-over to the parsing thread
/// (which costs more than parsing a short statement). For SQL dblint writes itself,
/// such as a fix, on a thread with a stack of [`PARSER_STACK`].
pub fn parse_here(jobs: Vec<Job>) -> Pending {
    let count = jobs.len();
    Pending {
        replies: None,
        ready: Some(jobs.into_iter().map(run).collect()),
        count,
    }
}

impl Pending {
    /// Give each statement's text and result to `each`, in order, on this thread. A
    /// panic while parsing is raised here.
    pub fn for_each(self, each: &mut dyn FnMut(usize, &str, Option<Parsed>)) {
        if let Some(ready) = self.ready {
            for (i, (sql, parsed)) in ready.into_iter().enumerate() {
                match parsed {
                    Ok(parsed) => each(i, &sql, parsed),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            return;
        }
        let Some(replies) = self.replies.filter(|r| !r.is_empty()) else {
            return;
        };
        let mut done = 0;
        'batches: for b in 0.. {
            let Ok(batch) = replies[b % replies.len()].recv() else {
                break;
            };
            for (sql, parsed) in batch {
                match parsed {
                    Ok(parsed) => each(done, &sql, parsed),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                done += 1;
            }
            if done == self.count {
                break 'batches;
            }
        }
        assert_eq!(done, self.count, "the parsing thread stopped");
    }

    /// The statements parsed already ([`parse_here`]), in order; `None` while they are
    /// being parsed on the parsing thread, or when one was not parsed or did not parse.
    pub fn statements(&self) -> Option<Vec<&Statement>> {
        let mut out = Vec::new();
        for (_, parsed) in self.ready.as_ref()? {
            match parsed {
                Ok(Some(Ok(statements))) => out.extend(statements),
                _ => return None,
            }
        }
        Some(out)
    }
}

/// Cut `jobs` into batches of [`BATCH_STATEMENTS`] statements or [`BATCH_BYTES`] bytes.
fn batches(jobs: Vec<Job>) -> Vec<Vec<Job>> {
    let mut out = Vec::new();
    let mut batch = Vec::with_capacity(BATCH_STATEMENTS);
    let mut bytes = 0;
    for job in jobs {
        bytes += job.sql.len();
        batch.push(job);
        if batch.len() == BATCH_STATEMENTS || bytes >= BATCH_BYTES {
            out.push(std::mem::replace(
                &mut batch,
                Vec::with_capacity(BATCH_STATEMENTS),
            ));
            bytes = 0;
        }
    }
    if !batch.is_empty() {
        out.push(batch);
    }
    out
}

/// Deal `jobs`, in batches, to the parsing threads, starting them if needed. A share
/// no thread takes is parsed here instead (deep enough for all but the deepest
/// input). The receivers in dealing order.
fn send(jobs: Vec<Job>) -> Vec<Receiver<Vec<Done>>> {
    let batches = batches(jobs);
    let wanted = if batches.len() < SHARED_FROM_BATCHES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(PARSING_THREADS))
    };
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        while parsers.len() < wanted {
            parsers.push(None);
        }
        for parser in parsers.iter_mut().take(wanted) {
            if parser.is_none() {
                *parser = start();
            }
        }
        // Only threads that are running take a share (at least one share, parsed here
        // when no thread could be started).
        let running: Vec<usize> = (0..wanted).filter(|&w| parsers[w].is_some()).collect();
        let threads = running.len().max(1);
        let mut dealt: Vec<Vec<Vec<Job>>> = (0..threads).map(|_| Vec::new()).collect();
        for (b, batch) in batches.into_iter().enumerate() {
            dealt[b % threads].push(batch);
        }
        let mut receivers = Vec::with_capacity(threads);
        for (slot, share) in dealt.into_iter().enumerate() {
            let (replies, receiver) = sync_channel(BATCHES_AHEAD);
            let mut request = Request {
                batches: share,
                replies,
            };
            if let Some(&w) = running.get(slot) {
                if let Some(sender) = &parsers[w] {
                    match sender.send(request) {
                        Ok(()) => {
                            receivers.push(receiver);
                            continue;
                        }
                        // The thread is gone (it cannot panic, but be sure).
                        Err(returned) => {
                            request = returned.0;
                            parsers[w] = None;
                        }
                    }
                }
            }
            // Parse this share here, every batch queued at once.
            let (replies, receiver) = sync_channel(request.batches.len().max(1));
            for batch in request.batches {
                let _ = replies.send(batch.into_iter().map(run).collect());
            }
            receivers.push(receiver);
        }
        receivers
    })
}

fn start() -> Option<Sender<Request>> {
    let (sender, requests) = channel::<Request>();
    std::thread::Builder::new()
        .name("dblint-parser".into())
        .stack_size(PARSER_STACK)
        .spawn(move || serve(requests))
        .ok()?;
    Some(sender)
}

fn serve(requests: Receiver<Request>) {
    for Request { batches, replies } in requests {
        for batch in batches {
            if replies.send(batch.into_iter().map(run).collect()).is_err() {
                break;
            }
        }
    }
}

fn run(job: Job) -> Done {
    let parsed = std::panic::catch_unwind(|| job.parse.then(|| parse_statement(&job.sql)));
    (job.sql, parsed)
}
