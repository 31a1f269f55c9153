using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The real daemon as a child process (<c>dotnet orchestrator.dll ARGS</c>): its console lines are kept
/// (and copied to a file), a caller can wait for a line or for the exit, and end it with SIGKILL or SIGTERM.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string?> Found)> _waiters = [];
    private readonly StreamWriter _log;
    private bool _ended;

    private DaemonProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "orchestrator.dll");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The exchange simulator's entry (<c>dotnet exchange-simulator.dll</c>), for <see cref="Start"/>'s <c>dll</c>.</summary>
    public static string SimulatorDll => Path.Combine(AppContext.BaseDirectory, "exchange-simulator.dll");

    /// <summary>Starts the daemon (or <paramref name="dll"/>) in <paramref name="workDir"/> (with <paramref name="environment"/> added); its output goes to <paramref name="logFile"/> too.</summary>
    /// <param name="workDir">The process's working directory.</param>
    /// <param name="logFile">Where its output lines are copied.</param>
    /// <param name="args">Its command-line arguments.</param>
    /// <param name="environment">Variables added to its environment.</param>
    /// <param name="dll">The program (null = the daemon).</param>
    /// <param name="defaultSigint">
    /// Start it with SIGINT at its default disposition, as a foreground job of an interactive shell has it. A
    /// child inherits an ignored SIGINT (a test run started in the background by a non-interactive shell has
    /// it ignored), and .NET keeps an inherited ignored SIGINT ignored: a test that sends SIGINT needs this.
    /// </param>
    public static DaemonProcess Start(string workDir, string logFile, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? dll = null, bool defaultSigint = false)
    {
        var start = new ProcessStartInfo(defaultSigint ? "env" : "dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        if (defaultSigint)
        {
            start.ArgumentList.Add("--default-signal=INT"); // coreutils env: resets SIGINT to SIG_DFL, then runs dotnet
            start.ArgumentList.Add("dotnet");
        }

        foreach (string name in Orchestrator.Daemon.Configuration.ConfigLoader.CredentialEnvironmentVariables.Values)
        {
            start.Environment.Remove(name); // the configuration's keys and tokens, not whatever the machine has
        }

        start.Environment["XDG_CACHE_HOME"] = Path.Combine(workDir, ".cache"); // KIS tokens kept between the test's own runs, not in the machine's ~/.cache

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(dll ?? DaemonDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var daemon = new DaemonProcess(new Process { StartInfo = start }, new StreamWriter(logFile) { AutoFlush = true });
        daemon._process.OutputDataReceived += (_, e) => daemon.OnLine(e.Data);
        daemon._process.ErrorDataReceived += (_, e) => daemon.OnLine(e.Data);
        daemon._process.Start();
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        _ = daemon._process.WaitForExitAsync().ContinueWith(_ => daemon.OnExit(), TaskScheduler.Default);
        return daemon;
    }

    /// <summary>The lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>How many lines have come so far.</summary>
    public int LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>The last <paramref name="count"/> lines, for a failure message.</summary>
    public string Tail(int count = 30) => string.Join(Environment.NewLine, Lines.TakeLast(count));

    /// <summary>
    /// The first line (seen or still to come) that matches; null if the process ends without one, or
    /// <paramref name="hangGuard"/> passes (a guard against a hang, not a timing assertion).
    /// </summary>
    /// <param name="match">The line wanted.</param>
    /// <param name="hangGuard">How long at most.</param>
    /// <param name="after">Lines already seen that do not count (<see cref="LineCount"/> at some earlier moment).</param>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match, TimeSpan hangGuard, int after = 0)
    {
        var found = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            string? seen = _lines.Skip(after).FirstOrDefault(match);
            if (seen is not null || _ended)
            {
                return seen;
            }

            _waiters.Add((match, found));
        }

        Task done = await Task.WhenAny(found.Task, Task.Delay(hangGuard)).ConfigureAwait(false);
        return done == found.Task ? await found.Task.ConfigureAwait(false) : null;
    }

    /// <summary>kill -9, then waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(); // SIGKILL on Linux: no handler runs, nothing is flushed
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for the process to end on its own (every output line read); false when it did not within <paramref name="hangGuard"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan hangGuard)
    {
        using var guard = new CancellationTokenSource(hangGuard);
        try
        {
            await _process.WaitForExitAsync(guard.Token).ConfigureAwait(false);
            _process.WaitForExit(); // and its output readers are done
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM (a graceful stop); true if the process ended within <paramref name="hangGuard"/>.</summary>
    public async Task<bool> TerminateAsync(TimeSpan hangGuard)
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        return await WaitForExitAsync(hangGuard).ConfigureAwait(false);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            _log.WriteLine(line);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private void OnExit()
    {
        _process.WaitForExit(); // the output readers have delivered every line
        lock (_lines)
        {
            _ended = true;
            foreach ((_, TaskCompletionSource<string?> found) in _waiters)
            {
                found.TrySetResult(null);
            }

            _waiters.Clear();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit(); // and its output readers are done

        _process.Dispose();
        lock (_lines)
        {
            _log.Dispose();
        }
    }
}
