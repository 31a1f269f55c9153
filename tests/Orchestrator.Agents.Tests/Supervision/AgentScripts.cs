namespace Orchestrator.Agents.Tests.Supervision;

/// <summary>A temporary directory of small agent scripts (sh or python3) the tests write and the supervisor runs.</summary>
internal sealed class AgentScripts : IDisposable
{
    public AgentScripts()
    {
        Directory = Path.Combine(Path.GetTempPath(), "orc-super-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Writes <paramref name="body"/> as an executable script named <paramref name="name"/> and returns its path.</summary>
    public string Write(string name, string body)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, body.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Waits (hang guard only: nothing about time is asserted) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int hangGuardSeconds = 60)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(hangGuardSeconds));
        while (!condition())
        {
            Assert.False(guard.IsCancellationRequested, "hang guard: " + what);
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Whether a process with <paramref name="pid"/> still exists (and is not a zombie).</summary>
    public static bool Alive(int pid)
    {
        string stat = Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat");
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            string text = File.ReadAllText(stat);
            int close = text.LastIndexOf(')');
            return close < 0 || close + 2 >= text.Length || text[close + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a process of a failed test may still hold it
        }
    }
}
