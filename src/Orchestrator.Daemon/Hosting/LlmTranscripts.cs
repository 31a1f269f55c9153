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

    /// <summary>
    /// <paramref name="config"/> with each LLM strategy agent (<see cref="DaemonConfig.LlmAgents"/>) asking
    /// its metered provider client through a recorder into <paramref name="directory"/>'s transcript of
    /// it; unchanged when <paramref name="directory"/> is null (recording off). Instances of one agent
    /// share its recorder; the returned owner closes the files.
    /// </summary>
    public static (DaemonConfig Config, IDisposable Recorders) RecordStrategies(DaemonConfig config, string? directory)
    {
        ArgumentNullException.ThrowIfNull(config);
        var recorders = new AgentRecorders();
        if (directory is null || config.LlmAgents.Count == 0)
        {
            return (config, recorders);
        }

        List<StrategyDefinition> strategies = [.. config.Strategies.Select(d => config.LlmAgents.FirstOrDefault(a => a.Name == d.Name) is { } agent
            ? d with { Create = () => agent.Create(recorders.For(agent, directory)) }
            : d)];
        return (config with { Strategies = strategies }, recorders);
    }

    /// <summary><paramref name="chat"/> recording into <paramref name="directory"/>'s transcript of the agent; unchanged when <paramref name="directory"/> is null (recording off).</summary>
    public static IChatClient Record(IChatClient chat, LlmStrategyOptions options, string? directory)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(options);
        return directory is null ? chat : new LlmTranscriptRecorder(chat, options, PathFor(directory, options.AgentName));
    }

    /// <summary>One recorder per agent, over its metered provider client, created at its first instance.</summary>
    private sealed class AgentRecorders : IDisposable
    {
        private readonly Dictionary<string, LlmTranscriptRecorder> _byAgent = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public LlmTranscriptRecorder For(LlmAgentDefinition agent, string directory)
        {
            lock (_gate)
            {
                if (!_byAgent.TryGetValue(agent.Name, out LlmTranscriptRecorder? recorder))
                {
                    recorder = new LlmTranscriptRecorder(LlmChatClients.Create(agent.Options, agent.Runtime.Metrics), agent.Options, PathFor(directory, agent.Name));
                    _byAgent.Add(agent.Name, recorder);
                }

                return recorder;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                foreach (LlmTranscriptRecorder recorder in _byAgent.Values)
                {
                    recorder.Dispose();
                }

                _byAgent.Clear();
            }
        }
    }
}
