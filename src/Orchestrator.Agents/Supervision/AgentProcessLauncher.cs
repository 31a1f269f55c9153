using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Orchestrator.Agents.Supervision;

/// <summary>
/// Starts an agent process in a process group of its own and signals the whole group, so an agent
/// that is a shell script (or forks helpers) leaves nothing behind when it is stopped.
/// </summary>
/// <remarks>
/// .NET cannot run code between fork and exec, so two util-linux programs do it when they are on the
/// PATH: <c>setsid</c> makes the agent a session and process-group leader (its pid is the group's id;
/// it execs in place, so the pid <see cref="Process"/> knows is the agent's), and <c>setpriv
/// --pdeathsig KILL</c> has the kernel SIGKILL the agent when the thread that started it ends — the
/// supervisor's own thread, which lives until the daemon has stopped its agents, so even a daemon
/// killed with SIGKILL leaves no agent running. Without them the agent still runs, signalled alone.
/// Its stdin is a pipe the daemon never writes to: it reads end-of-file when the daemon is gone.
/// </remarks>
internal static partial class AgentProcessLauncher
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private static readonly string? s_setsid = FindOnPath("setsid");
    private static readonly string? s_setpriv = FindOnPath("setpriv");

    /// <summary>Whether started agents get a process group of their own (setsid found).</summary>
    public static bool GroupsSupported => s_setsid is not null && OperatingSystem.IsLinux();

    /// <summary>Starts <paramref name="options"/>'s command with exactly <paramref name="environment"/>; stdout and stderr are pipes to read.</summary>
    public static Process Start(AgentProcessOptions options, IReadOnlyDictionary<string, string> environment)
    {
        string command = ResolveCommand(options.Command, options.WorkingDirectory) ?? options.Command;
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = options.WorkingDirectory is { } dir ? Path.GetFullPath(dir) : string.Empty,
        };

        var argv = new List<string>();
        if (GroupsSupported)
        {
            argv.Add(s_setsid!);
            argv.Add("--");
            if (s_setpriv is not null)
            {
                argv.AddRange([s_setpriv, "--pdeathsig", "KILL", "--"]);
            }
        }

        argv.Add(command);
        argv.AddRange(options.Args);
        start.FileName = argv[0];
        for (int i = 1; i < argv.Count; i++)
        {
            start.ArgumentList.Add(argv[i]);
        }

        start.Environment.Clear();
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        process.Start();
        return process;
    }

    /// <summary>SIGTERM to the agent's group (or the agent alone when it has none yet).</summary>
    public static void Terminate(int pid) => Signal(pid, SigTerm);

    /// <summary>SIGKILL to the agent's group (or the agent alone): also what is left of the group after the agent itself ended.</summary>
    public static void Kill(int pid) => Signal(pid, SigKill);

    private static void Signal(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        // The group first (its id is the leader's pid once setsid ran); before that, or without
        // setsid, there is no such group (ESRCH) and the process alone is signalled.
        if (!GroupsSupported || SysKill(-pid, signal) != 0)
        {
            _ = SysKill(pid, signal);
        }
    }

    /// <summary>
    /// The command as it will be run: a path (it has a '/'), made absolute against
    /// <paramref name="workingDirectory"/> (or the daemon's), or the first match on PATH; null when
    /// there is no such executable file.
    /// </summary>
    public static string? ResolveCommand(string command, string? workingDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (command.Contains('/', StringComparison.Ordinal))
        {
            string full = Path.GetFullPath(command, Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory()));
            return IsExecutableFile(full) ? full : null;
        }

        return FindOnPath(command);
    }

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        return OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SysKill(int pid, int signal);
}
