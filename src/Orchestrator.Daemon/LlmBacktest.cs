using System.Globalization;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon;

/// <summary>
/// <c>backtest --strategy AGENT</c> for an LLM agent of agent_model.yaml (issue 18): its model calls are
/// answered from a transcript (<c>--llm-transcript FILE</c>: deterministic, no network; a call that is
/// not the recorded one stops the run) or by its live model (<c>--llm-live</c>: the estimate is printed
/// and the run starts only with <c>--yes</c>; every call is recorded into a new transcript, which
/// replays the run).
/// </summary>
internal sealed class LlmBacktest : IDisposable
{
    private readonly LlmAgentDefinition _agent;
    private readonly IReadOnlyList<string> _symbols;
    private readonly LlmTranscriptReplayer? _replayer;
    private readonly string? _recordPath;
    private readonly bool _tornTail;
    private LlmTranscriptRecorder? _recorder;

    private LlmBacktest(LlmAgentDefinition agent, IReadOnlyList<string> symbols, LlmTranscriptReplayer? replayer, string? recordPath, bool tornTail)
    {
        _agent = agent;
        _symbols = symbols;
        _replayer = replayer;
        _recordPath = recordPath;
        _tornTail = tornTail;
    }

    /// <summary>
    /// The LLM part of the run when <paramref name="strategy"/> is an LLM agent (null otherwise); every
    /// problem with the LLM options goes into <paramref name="errors"/>, naming the option.
    /// </summary>
    public static LlmBacktest? Prepare(BacktestArguments a, DaemonConfig? config, StrategyDefinition? strategy, List<string> errors)
    {
        LlmAgentDefinition? agent = strategy is null ? null : config?.LlmAgents.FirstOrDefault(d => d.Name == strategy.Name);
        if (agent is null || strategy is null)
        {
            if (a.LlmTranscript is not null || a.LlmLive || a.LlmRecord is not null)
            {
                string names = config is null || config.LlmAgents.Count == 0 ? "agent_model.yaml declares none" : "agent_model.yaml's: " + string.Join(", ", config.LlmAgents.Select(d => d.Name));
                errors.Add($"--llm-transcript / --llm-live / --llm-record: only for an LLM agent (role: strategy); '{a.Strategy}' is not one ({names})");
            }

            return null;
        }

        if (a.LlmTranscript is not null && a.LlmLive)
        {
            errors.Add("--llm-transcript, --llm-live: choose one: replay a transcript, or ask the live model");
            return null;
        }

        if (a.LlmTranscript is null && !a.LlmLive)
        {
            errors.Add($"--strategy: {agent.Name} is an LLM agent: replay a transcript of it with --llm-transcript FILE (no network), or ask its live model with --llm-live (prints the calls, tokens, cost and time first; add --yes to start)");
            return null;
        }

        if (a.LlmTranscript is { } path)
        {
            if (a.LlmRecord is not null)
            {
                errors.Add("--llm-record: only with --llm-live (a replay makes no new calls)");
            }

            try
            {
                LlmTranscriptFile file = LlmTranscript.Read(path);
                var replayer = new LlmTranscriptReplayer(file, agent.Name, LlmTranscriptRecorder.Scrubber(agent.Options));
                if (replayer.Recorded == 0)
                {
                    string agents = file.Entries.Count == 0 ? "it holds no calls" : "it holds calls of " + string.Join(", ", file.Entries.Select(e => e.Agent).Distinct(StringComparer.Ordinal));
                    errors.Add($"--llm-transcript: '{path}' holds no call of {agent.Name} ({agents})");
                }

                return new LlmBacktest(agent, strategy.Symbols, replayer, null, file.TornTail);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                errors.Add("--llm-transcript: " + ex.Message);
                return null;
            }
        }

        string record = a.LlmRecord ?? Path.Combine("llm", string.Create(CultureInfo.InvariantCulture, $"{agent.Name}-backtest-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.jsonl"));
        if (File.Exists(record))
        {
            errors.Add($"--llm-record: '{record}' exists; a backtest's transcript is never overwritten (give another path)");
        }

        return new LlmBacktest(agent, strategy.Symbols, null, record, false);
    }

    /// <summary>
    /// Replay: says which transcript answers. Live: prints the estimate, and says whether the run may
    /// start (only with <c>--yes</c>; otherwise why not, on <paramref name="error"/>).
    /// </summary>
    public bool Confirm(BacktestArguments a, long fromNs, long toNs, TextWriter output, TextWriter error)
    {
        if (_replayer is { } replayer)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"llm: {_agent.Name}'s model calls answered from '{replayer.Path}' ({replayer.Recorded} recorded){(_tornTail ? "; its torn last line was left out" : string.Empty)}"));
            return true;
        }

        LlmBacktestEstimate estimate = LlmBacktestEstimate.Compute(_agent.Model, _symbols, a.Data, fromNs, toNs);
        foreach (string line in estimate.Describe(_agent.Name, _agent.Model))
        {
            output.WriteLine(line);
        }

        if (!a.Yes)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--llm-live: not started: add --yes to make these {estimate.Calls:N0} model calls to {_agent.Model.Provider} {_agent.Model.Model}"));
            return false;
        }

        return true;
    }

    /// <summary>Makes <paramref name="strategy"/> create the agent with the replaying or recording client; the caller disposes this after the run (closing that client).</summary>
    public IDisposable Attach(ref StrategyDefinition? strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        IChatClient chat = (IChatClient?)_replayer ?? (_recorder = new LlmTranscriptRecorder(LlmChatClients.Create(_agent.Options, _agent.Runtime.Metrics), _agent.Options, _recordPath!, LlmTranscriptMode.CreateNew));
        LlmAgentDefinition agent = _agent;
        strategy = strategy with { Create = () => agent.Create(chat) };
        return this;
    }

    /// <summary>Closes the client (the recorder's transcript file).</summary>
    public void Dispose()
    {
        _recorder?.Dispose();
        _replayer?.Dispose();
    }

    /// <summary>After the run: false (and why, on <paramref name="error"/>) when the replay left its transcript; a live run says where its transcript is.</summary>
    public bool Finish(TextWriter output, TextWriter error)
    {
        if (_replayer is { } replayer)
        {
            if (replayer.Divergence is { } divergence)
            {
                error.WriteLine("backtest failed: " + divergence.Message);
                return false;
            }

            if (replayer.Answered < replayer.Recorded)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--llm-transcript: the run made {replayer.Answered} of the {replayer.Recorded} model calls of {_agent.Name} recorded in '{replayer.Path}' (a shorter range than the recorded run?)"));
            }

            return true;
        }

        if (_recorder is { } recorder)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"llm: {recorder.Written} model call(s) of {_agent.Name} recorded in '{recorder.Path}'{(recorder.WriteFailures > 0 ? $" ({recorder.WriteFailures} could not be written, see the log)" : string.Empty)}; replay them with --llm-transcript"));
        }

        return true;
    }
}
