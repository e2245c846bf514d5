#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// The temporary files the process has made and not yet removed or renamed: the copy of
/// standard input (`InputSpool`) and the files outputs are written to before they replace
/// their targets (`OutputFile`). An interrupted run (Ctrl-C, `kill`, a closed terminal)
/// removes them before it ends (`removeOnInterrupt`), instead of leaving a copy of a
/// gigabyte export in /tmp or a hidden `.report.json.123-456.tmp` beside the report.
public enum TemporaryFiles {
    /// Recursive: `withRemovalHeld`'s body unregisters files under the same lock.
    private static let lock = NSRecursiveLock()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    /// Set once, at start, by `removeOnInterrupt`: whether a write failing with EPIPE ends
    /// the process (`brokenPipe`).
    nonisolated(unsafe) private static var endsOnBrokenPipe = false

    /// Notes a temporary file just created.
    static func register(_ path: String) {
        lock.withLock { _ = paths.insert(path) }
    }

    /// Notes that a temporary file was removed or renamed over its target.
    static func unregister(_ path: String) {
        lock.withLock { _ = paths.remove(path) }
    }

    /// The temporary files now registered.
    static var registered: Set<String> { lock.withLock { paths } }

    /// Runs `body` (the renames that put a run's outputs in place) with the removal held
    /// off: a signal arriving meanwhile waits until every output is in place, so that an
    /// interrupted run never leaves one output new and another old.
    static func withRemovalHeld<Result>(_ body: () throws -> Result) rethrows -> Result {
        try lock.withLock(body)
    }

    /// Removes every registered file.
    static func removeAll() {
        lock.withLock {
            for path in paths { unlink(path) }
            paths.removeAll()
        }
    }

    /// Called when a write failed with EPIPE: with `removeOnInterrupt` in force, removes the
    /// registered files and ends the process by SIGPIPE (from any thread); otherwise does
    /// nothing (the write's caller drops the output quietly).
    static func brokenPipe() {
        guard endsOnBrokenPipe else { return }
        removeAll()
        signal(SIGPIPE, SIG_DFL)
        // To the process: a dispatch worker thread blocks signals, the main thread does not.
        kill(getpid(), SIGPIPE)
        // Until it arrives, this thread stays here rather than carry on with a dead pipe;
        // should it not (every thread blocking it), the exit status a shell would show.
        for _ in 0..<100 { usleep(10_000) }
        _exit(128 + SIGPIPE)
    }

    /// Whether `signalNumber`'s action is to ignore it.
    private static func isIgnored(_ signalNumber: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signalNumber, nil, &current) == 0 else { return false }
        #if canImport(Darwin)
        let handler = current.__sigaction_u.__sa_handler
        #else
        let handler = current.__sigaction_handler.sa_handler
        #endif
        // Handlers are C function pointers: compared by address.
        return handler.map { unsafeBitCast($0, to: Int.self) } == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// On SIGINT, SIGTERM and SIGHUP (those not ignored at start): removes the registered
    /// files, then ends the process as the signal would have (exit status 128 + the
    /// signal's number in a shell). SIGPIPE, which a write to a pipe whose reader left
    /// raises in the writing thread, is ignored instead, unless ignored at start already:
    /// the write then fails with EPIPE, and `brokenPipe` removes the files and ends the
    /// process by SIGPIPE, as the signal would have. The signals are handled on a dispatch
    /// queue, not in a signal handler, so the removal may take the lock and call anything.
    /// For the executable only: a library caller keeps its own signal handling.
    public static func removeOnInterrupt() {
        if !isIgnored(SIGPIPE) {
            signal(SIGPIPE, SIG_IGN)
            endsOnBrokenPipe = true
        }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            // A signal ignored at start stays ignored (a shell starts background jobs with
            // SIGINT ignored, `nohup` ignores SIGHUP): the caller meant them to survive it.
            if isIgnored(signalNumber) { continue }
            // Ignored, as dispatch requires, so that only the source sees the signal.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                removeAll()
                // Dispatch receives the signal through a signalfd, with the signal blocked
                // in every thread: sent again as it is, it would come back here. This
                // thread unblocks it, with its default action, and sends it to itself.
                signal(signalNumber, SIG_DFL)
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, signalNumber)
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                raise(signalNumber)
                // Not reached for these signals, whose default action ends the process.
                _exit(128 + signalNumber)
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }
}
