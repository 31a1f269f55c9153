using System.Diagnostics;
using Orchestrator.Daemon.Tests.Logging;

namespace Orchestrator.Daemon.Tests;

/// <summary>Generated output never goes into git: a fresh clone's first run leaves <c>git status</c> clean.</summary>
public sealed class RepositoryHygieneTests
{
    [Fact]
    public void LogsFolder_HasNoTrackedFiles()
    {
        (int exit, string output) = Git("ls-files", "--", "logs");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, output.Trim());
    }

    [Theory]
    [InlineData("logs/orchestrator.jsonl")]
    [InlineData("logs/orchestrator.log")]
    [InlineData("logs/archive/orchestrator.2026-12-01.log")]
    public void DefaultLogOutput_IsIgnored(string path)
    {
        (int exit, string output) = Git("check-ignore", "--no-index", "--", path);

        Assert.True(exit == 0, $"'{path}' is not ignored by .gitignore: {output}");
    }

    private static (int Exit, string Output) Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = LoggingSetupTests.RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr);
    }
}
