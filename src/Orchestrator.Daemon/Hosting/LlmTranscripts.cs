using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// Where the daemon records its LLM agents' model calls (issue 18): one JSONL transcript per agent,
/// <c>DIR/AGENT.jsonl</c>, appended across restarts; DIR is <c>daemon.yaml</c> <c>agents.llm_transcripts</c>,
/// by default <c>llm</c> under the journal directory (<c>--journal</c>) or, without one, the log
/// directory (<c>--log-dir</c>). <c>backtest --llm-transcript FILE</c> replays one.
/// </summary>
public static class LlmTranscripts
{
    /// <summary>The value of <c>agents.llm_transcripts</c> that turns recording off.</summary>
    public const string Off = "off";

    /// <summary>The transcripts' directory for a run, or null when recording is off.</summary>
    public static string? DirectoryFor(AgentSettings settings, string? journalDirectory, string logDirectory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logDirectory);
        return settings.LlmTranscripts?.Trim() switch
        {
            null => Path.Combine(journalDirectory ?? logDirectory, "llm"),
            { } off when string.Equals(off, Off, StringComparison.OrdinalIgnoreCase) => null,
            { } directory => directory,
        };
    }

    /// <summary>The transcript file of <paramref name="agent"/> in <paramref name="directory"/> (characters a file name cannot hold become <c>_</c>).</summary>
    public static string PathFor(string directory, string agent)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(agent);
        char[] invalid = Path.GetInvalidFileNameChars();
        string name = string.Concat(agent.Select(c => Array.IndexOf(invalid, c) >= 0 ? '_' : c));
        return Path.Combine(directory, name + ".jsonl");
    }

    /// <summary><paramref name="chat"/> recording into <paramref name="directory"/>'s transcript of the agent; unchanged when <paramref name="directory"/> is null (recording off).</summary>
    public static IChatClient Record(IChatClient chat, LlmStrategyOptions options, string? directory)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(options);
        return directory is null ? chat : new LlmTranscriptRecorder(chat, options, PathFor(directory, options.AgentName));
    }
}
