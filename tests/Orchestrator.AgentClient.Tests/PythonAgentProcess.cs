using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.AgentClient.Tests;

/// <summary>
/// A python3 agent as a child process with the given environment: its output lines are kept, a
/// test can wait for a line (under a hang guard) and end it with SIGTERM.
/// </summary>
internal sealed class PythonAgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private PythonAgentProcess(Process process) => _process = process;

    public static PythonAgentProcess Start(string script, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("ORCHESTRATOR_AGENT_TOKEN"); // only what the test gives
        start.Environment.Remove("ORCHESTRATOR_AGENT_NAME");
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var agent = new PythonAgentProcess(new Process { StartInfo = start });
        agent._process.OutputDataReceived += (_, e) => agent.OnLine(e.Data);
        agent._process.ErrorDataReceived += (_, e) => agent.OnLine(e.Data);
        agent._process.Start();
        agent._process.BeginOutputReadLine();
        agent._process.BeginErrorReadLine();
        return agent;
    }

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

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Tail(int count = 40) => string.Join(Environment.NewLine, Lines.TakeLast(count));

    /// <summary>Waits until a line matches (true) or the process ends or the hang guard passes (false).</summary>
    public Task<bool> WaitForLineAsync(Func<string, bool> match, TimeSpan hangGuard) =>
        WaitForAsync(lines => lines.Any(match), hangGuard);

    /// <summary>Waits until <paramref name="condition"/> holds for the lines so far; false when the process ends or the hang guard passes first.</summary>
    public async Task<bool> WaitForAsync(Func<IReadOnlyList<string>, bool> condition, TimeSpan hangGuard)
    {
        using var guard = new CancellationTokenSource(hangGuard);
        while (!condition(Lines))
        {
            if (guard.IsCancellationRequested || _process.HasExited)
            {
                return condition(Lines);
            }

            await Task.Delay(20, CancellationToken.None); // polling an observable condition, not a timing
        }

        return true;
    }

    /// <summary>
    /// Waits for the process to end and its output to be read to the end (true), or the hang guard to pass
    /// (false). <see cref="HasExited"/> alone can be true before the last lines arrive.
    /// </summary>
    public async Task<bool> WaitForExitAsync(TimeSpan hangGuard)
    {
        using var guard = new CancellationTokenSource(hangGuard);
        try
        {
            await _process.WaitForExitAsync(guard.Token);
            _process.WaitForExit(); // its output readers are done
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM; true when the process ended within the hang guard.</summary>
    public async Task<bool> TerminateAsync(TimeSpan hangGuard)
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(hangGuard);
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
        _process.Dispose();
    }
}
