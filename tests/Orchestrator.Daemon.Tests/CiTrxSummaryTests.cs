using System.Diagnostics;
using Orchestrator.Daemon.Tests.Logging;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// <c>.ci/trx-summary</c> (the end of <c>.ci/run</c>) over real TRX files: a test host that aborted
/// fails the run even when its counters look green (issue 15 item 20: 10 tests silently not run).
/// </summary>
public sealed class CiTrxSummaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-trx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Trx(string outcome, int passed, int failed = 0, string runInfo = "") => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <ResultSummary outcome="{outcome}">
            <Counters total="{passed + failed}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="0" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
            {runInfo}
          </ResultSummary>
        </TestRun>
        """;

    private void Project(string name, string? trx)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "tests", name));
        File.WriteAllText(Path.Combine(_dir, "tests", name, name + ".csproj"), "<Project />");
        if (trx is not null)
        {
            Directory.CreateDirectory(Path.Combine(_dir, "TestResults"));
            File.WriteAllText(Path.Combine(_dir, "TestResults", name + ".trx"), trx);
        }
    }

    private (int ExitCode, string Output) Summarize(int dotnetTestStatus)
    {
        var start = new ProcessStartInfo(Path.Combine(LoggingSetupTests.RepoRoot(), ".ci", "trx-summary")) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dotnetTestStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "trx-summary did not exit");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void AllProjectsCompleted_Passes_WithTheClosingLine()
    {
        Project("A.Tests", Trx("Completed", 5));
        Project("B.Tests", Trx("Completed", 3));

        (int exit, string output) = Summarize(0);

        Assert.Equal(0, exit);
        Assert.EndsWith("8 passed, 0 failed", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAbortedTestHost_FailsTheRun_EvenWithGreenCountersAndAZeroStatus()
    {
        Project("A.Tests", Trx("Completed", 5));
        Project("B.Tests", Trx("Aborted", 3, runInfo: "<RunInfos><RunInfo outcome=\"Error\"><Text>Test Run Aborted.</Text></RunInfo></RunInfos>"));

        (int exit, string output) = Summarize(0);

        Assert.NotEqual(0, exit);
        Assert.Contains("8 passed, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("B.Tests: the test run did not complete (outcome 'Aborted')", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ACompletedOutcomeThatReportsAnAbort_FailsTheRun()
    {
        Project("A.Tests", Trx("Completed", 5, runInfo: "<RunInfos><RunInfo outcome=\"Error\"><Text>The active test run was aborted. Reason: Test host process crashed</Text></RunInfo></RunInfos>"));

        (int exit, string output) = Summarize(0);

        Assert.NotEqual(0, exit);
        Assert.Contains("A.Tests: the test host aborted", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AProjectWithoutItsTrx_FailsTheRun()
    {
        Project("A.Tests", Trx("Completed", 5));
        Project("B.Tests", trx: null);

        (int exit, string output) = Summarize(0);

        Assert.NotEqual(0, exit);
        Assert.Contains("B.Tests: no test results", output, StringComparison.Ordinal);
        Assert.Contains("5 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailingDotnetTestStatus_FailsTheRun_WhateverTheFilesSay()
    {
        Project("A.Tests", Trx("Completed", 5));

        (int exit, _) = Summarize(1);

        Assert.Equal(1, exit);
    }
}
