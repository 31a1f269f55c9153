using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Daemon.Tests.Strategies;

/// <summary>
/// The README's "Write your own strategy in 5 minutes", step by step, as written: its shell blocks
/// run verbatim with bash in a copy of the repository's files a fresh clone has (the projects the
/// strategy builds against, config/, tools/data/), its C# block saved where it says. The one
/// substitution: <c>dotnet run -c Release --project src/Orchestrator.Daemon --</c> becomes the
/// daemon this test project already built (the same program; building it again in the copy would
/// take minutes). Then the README's claim: with the built-in rules off, the run on the bars makes
/// the backtest's orders and fills.
/// </summary>
public sealed partial class QuickStartTests : IDisposable
{
    private const string Heading = "### Write your own strategy in 5 minutes";
    private const string DaemonViaDotnetRun = "dotnet run -c Release --project src/Orchestrator.Daemon --";

    private readonly string _clone = Directory.CreateTempSubdirectory("orc-quickstart-").FullName;

    public void Dispose() => Directory.Delete(_clone, recursive: true);

    [Fact]
    public void TheReadmesStrategyQuickStart_WorksAsWritten_AndTheRunTradesAsTheBacktest()
    {
        string repository = RepositoryRoot();
        CopyFreshCloneFiles(repository);
        string section = Section(File.ReadAllText(Path.Combine(repository, "README.md")));

        var shellBlocks = new List<string>();
        foreach (Match block in FencedBlock().Matches(section))
        {
            if (block.Groups["lang"].Value == "csharp")
            {
                Match saveAs = SaveAs().Matches(section[..block.Index]).Last();
                File.WriteAllText(Path.Combine(_clone, saveAs.Groups["path"].Value), block.Groups["body"].Value);
            }
            else
            {
                Assert.Equal("sh", block.Groups["lang"].Value);
                Bash(block.Groups["body"].Value);
                shellBlocks.Add(block.Groups["body"].Value);
            }
        }

        Assert.Equal(5, shellBlocks.Count);
        using (JsonDocument backtest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_clone, "out", "dip.json"))))
        {
            Assert.True(backtest.RootElement.GetProperty("trade_count").GetInt32() > 0, "the dip buyer traded in the backtest");
        }

        Assert.True(File.Exists(Path.Combine(_clone, "out", "dip-run.json")));

        // The claim under step 6: with the built-in rules off, the run makes the backtest's orders and fills.
        File.WriteAllText(Path.Combine(_clone, "config", "risk_management.yaml"), "rules:\n  momentum: { enabled: false }\n  rsi_reversion: { enabled: false }\n");
        Directory.Delete(Path.Combine(_clone, "logs"), recursive: true);
        string[] steps = [.. shellBlocks[3..].SelectMany(b => b.Split('\n')).Where(l => l.StartsWith(DaemonViaDotnetRun + " backtest", StringComparison.Ordinal) || l.Contains("--ticks-per-second 0", StringComparison.Ordinal))];
        Assert.Equal(2, steps.Length);
        Bash(string.Join('\n', steps));
        TradeLog.AssertSame(TradeLog.Read(Path.Combine(_clone, "out", "dip-orders.jsonl")), TradeLog.Read(Path.Combine(_clone, "logs", "orchestrator.jsonl")));
    }

    /// <summary>Runs a shell block with bash -e in the copy; fails with its output when it fails.</summary>
    private void Bash(string script)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = _clone, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script.Replace(DaemonViaDotnetRun, "dotnet " + DaemonProcess.DaemonDll, StringComparison.Ordinal));
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1"; // no build nodes or compiler server left running after the test
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), "the step did not finish: " + script);
        Assert.True(process.ExitCode == 0, $"the step failed (exit {process.ExitCode}):\n{script}\n{stdout.Result}\n{stderr.Result}");
    }

    /// <summary>What a fresh clone has that the steps use (sources without bin/obj, no git-ignored secrets).</summary>
    private void CopyFreshCloneFiles(string repository)
    {
        foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" })
        {
            if (File.Exists(Path.Combine(repository, file)))
            {
                File.Copy(Path.Combine(repository, file), Path.Combine(_clone, file));
            }
        }

        foreach (string directory in new[] { "src/Orchestrator.Core", "src/Orchestrator.Strategies.Abstractions", "config", "tools/data" })
        {
            string from = Path.Combine(repository, directory);
            foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(from, file);
                string[] parts = relative.Split(Path.DirectorySeparatorChar);
                if (parts[0] is "bin" or "obj" || (directory == "config" && relative == "api_credentials.yaml"))
                {
                    continue;
                }

                string to = Path.Combine(_clone, directory, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }
        }
    }

    private static string Section(string readme)
    {
        int start = readme.IndexOf(Heading, StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has the section " + Heading);
        int end = readme.IndexOf("\n### ", start + Heading.Length, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return dir.FullName;
    }

    [GeneratedRegex(@"^```(?<lang>\w+)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"Save it as `(?<path>[^`]+)`")]
    private static partial Regex SaveAs();
}
