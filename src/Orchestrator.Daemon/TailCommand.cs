using System.CommandLine;
using Orchestrator.Daemon.Logging;

namespace Orchestrator.Daemon;

/// <summary>
/// <c>orchestrator tail [--file logs/orchestrator.jsonl] [--follow] [--level L] [--symbol S] [--kind K]</c>:
/// the JSON log as filtered human lines, coloured when stdout is a terminal.
/// </summary>
public static class TailCommand
{
    public static Command Create()
    {
        var fileOption = new Option<string>("--file") { Description = "The JSON-lines log to read", DefaultValueFactory = _ => Path.Combine("logs", "orchestrator.jsonl") };
        var followOption = new Option<bool>("--follow", "-f") { Description = "Keep printing lines as they are appended (survives the log being rolled or recreated); Ctrl+C ends" };
        var levelOption = new Option<string?>("--level") { Description = "Lowest level shown: INFO, WARNING, ERROR or CRITICAL" };
        var symbolOption = new Option<string?>("--symbol") { Description = "Only lines about this symbol" };
        var kindOption = new Option<string?>("--kind") { Description = "Only orders, signals, rejects or alerts" };
        var colourOption = new Option<bool>("--no-color") { Description = "No colours even on a terminal (also: NO_COLOR set)" };
        var tail = new Command("tail", "Print the JSON log as human lines, filtered; --follow keeps watching it")
        {
            fileOption, followOption, levelOption, symbolOption, kindOption, colourOption,
        };
        tail.SetAction((parse, cancellationToken) =>
        {
            bool colour = !parse.GetValue(colourOption) && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
            return RunAsync(parse.GetValue(fileOption)!, parse.GetValue(followOption), parse.GetValue(levelOption), parse.GetValue(symbolOption), parse.GetValue(kindOption),
                colour, Console.Out, Console.Error, cancellationToken);
        });
        return tail;
    }

    /// <summary>Validates the filters, then tails. Exit 0, or 2 for a bad option or a missing file (without --follow).</summary>
    public static async Task<int> RunAsync(string file, bool follow, string? level, string? symbol, string? kind, bool colour, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (level is not null && TailFilter.Rank(level) < 1)
        {
            await error.WriteLineAsync($"--level: expected INFO, WARNING, ERROR or CRITICAL, got '{level}'").ConfigureAwait(false);
            return DaemonCli.ExitConfigError;
        }

        if (kind is not null && !TailFilter.Kinds.Contains(kind.ToLowerInvariant()))
        {
            await error.WriteLineAsync($"--kind: expected {string.Join(", ", TailFilter.Kinds)}, got '{kind}'").ConfigureAwait(false);
            return DaemonCli.ExitConfigError;
        }

        if (!follow && !File.Exists(file))
        {
            await error.WriteLineAsync($"--file: '{file}' does not exist (start the daemon, or pass --follow to wait for it)").ConfigureAwait(false);
            return DaemonCli.ExitConfigError;
        }

        var tail = new LogTail(file, new TailFilter(level, symbol, kind?.ToLowerInvariant()), output, colour);
        TailResult result = await tail.RunAsync(follow, cancellationToken).ConfigureAwait(false);
        if (result.Malformed > 0)
        {
            await error.WriteLineAsync($"{result.Malformed} malformed line(s) skipped").ConfigureAwait(false);
        }

        return DaemonCli.ExitOk;
    }
}
