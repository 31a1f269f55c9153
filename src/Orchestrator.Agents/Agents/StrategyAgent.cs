using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using NLog;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.State;
using Orchestrator.Agents.Strategy;
using Orchestrator.Core;

namespace Orchestrator.Agents.Agents;

/// <summary>
/// <c>strategy_agent</c>: turns market context into trade signals, with built-in rules on bar
/// closes (no network) or a language model (any provider <see cref="LlmChatClients"/> builds), and publishes them
/// through <see cref="ISignalPublisher"/> (the engine's risk handler still decides).
/// </summary>
/// <remarks>
/// <para>Methods:</para>
/// <list type="bullet">
/// <item><c>generate_signals</c> <c>{ "symbols"?: ["AAPL", ...] }</c> — runs the strategy now over
/// the given symbols (each must be one of the engine's, in any case; all of them when absent) and returns
/// <c>{ mode, symbols, signals: [{ symbol, side, confidence, reason, price, accepted, sequence, error }],
/// refused: ["signals[i]: why", ...], failure: { kind, detail } | null }</c>. A model that fails
/// (<see cref="StrategyFailureKinds"/>) is an ok result with <c>failure</c> set and no signals: the
/// failure is counted and logged at WARN, and the next scheduled call is the retry.</item>
/// <item><c>get_status</c> — mode, model, counters (runs, skipped while busy, signals published
/// and refused by the engine, failures by kind), the last failure.</item>
/// </list>
/// <para>Concurrency: any number of callers may call at once. Runs are serialized by a
/// <see cref="SemaphoreSlim"/>; a call that arrives while one is running is not queued but
/// refused at once with <see cref="AgentErrors.Unavailable"/> ("already running") and counted,
/// because the job scheduler calls on an interval and a queued call would only act on the same
/// market a second time. A model call is bounded by <see cref="LlmStrategyOptions.Timeout"/>, so a
/// run holds the gate at most that long (plus the prompt's build); the agent says so to the router
/// (<see cref="CallTimeout"/>), which therefore waits for the model's timeout rather than its own
/// <c>call_timeout</c>, and so does a scheduled run. A run that ends without an answer — the model's
/// timeout passed, or the caller canceled the run first — is a failure of kind
/// <see cref="StrategyFailureKinds.Timeout"/>: counted, logged, and a failed work item.</para>
/// <para>Symbols are matched without regard to case (<c>aapl</c> is the engine's <c>AAPL</c>); the
/// model's answer must still name them exactly as the prompt wrote them.</para>
/// <para>Rules fire once per cross: each symbol remembers the newest bar it evaluated, and a later
/// call considers only newer completed bars (the newest signal among them wins). The first call
/// looks at the newest bar only.</para>
/// <para>The API key is never logged, returned or put in an exception; text from the SDK or the
/// server is scrubbed of it before it is shown.</para>
/// </remarks>
public sealed class StrategyAgent : AgentBase, IDisposable
{
    /// <summary>The name messages address.</summary>
    public const string AgentName = "strategy_agent";

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents.StrategyAgent");

    private readonly StrategyAgentOptions _options;
    private readonly BarStore _bars;
    private readonly ITradingView _view;
    private readonly ISignalPublisher _publisher;
    private readonly IChatClient? _chat;
    private readonly bool _ownsChat;
    private readonly LlmCallMetrics? _metrics;
    private readonly Func<string>? _riskLimits;
    private readonly Func<long>? _eventTimeNs;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Newest bar start evaluated per symbol by the rules; touched only with _gate held.
    private readonly Dictionary<string, long> _lastEvaluatedNs = new(StringComparer.Ordinal);

    // Counters: written with Interlocked, read with Interlocked.Read; no ordering beyond each value.
    private long _runs;
    private long _rejectedBusy;
    private long _published;
    private long _refusedByEngine;
    private long _malformedJson;
    private long _invalidSignal;
    private long _httpError;
    private long _rateLimited;
    private long _timeout;
    private string? _lastFailure;

    /// <param name="options">Mode, rules and model; validated here.</param>
    /// <param name="bars">The shared bar store (market context).</param>
    /// <param name="view">The engine's published account snapshots and its symbols.</param>
    /// <param name="publisher">Where signals go.</param>
    /// <param name="chatClient">The model client to use in LLM mode; when null one is built from <see cref="StrategyAgentOptions.Llm"/> (and disposed with the agent).</param>
    /// <param name="time">Clock for heartbeats and timestamps.</param>
    /// <param name="metrics">
    /// The process's LLM call metrics (issue 18): the client built here records its calls there, and the
    /// agent records what it finds in the answers (malformed, refused items). A given
    /// <paramref name="chatClient"/> records its calls only if it was built with them.
    /// </param>
    /// <param name="riskLimits">The risk limits in force as text for the prompt, read at each run (null = none shown), as a <c>role: strategy</c> agent gets them.</param>
    /// <param name="eventTimeNs">The engine's event time for the prompt (null = the snapshot's).</param>
    /// <exception cref="ArgumentException">When the options are invalid; lists every problem.</exception>
    public StrategyAgent(StrategyAgentOptions options, BarStore bars, ITradingView view, ISignalPublisher publisher, IChatClient? chatClient = null, TimeProvider? time = null, LlmCallMetrics? metrics = null,
        Func<string>? riskLimits = null, Func<long>? eventTimeNs = null)
        : base(AgentName, time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(publisher);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("strategy_agent options: " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _bars = bars;
        _view = view;
        _publisher = publisher;
        _riskLimits = riskLimits;
        _eventTimeNs = eventTimeNs;
        if (options.Mode == StrategyMode.Llm)
        {
            _chat = chatClient ?? LlmChatClients.Create(options.Llm!, metrics);
            _ownsChat = chatClient is null;
            _metrics = metrics;
        }

        Register<GenerateSignalsParams>("generate_signals", GenerateSignalsAsync);
        Register("get_status", _ => Task.FromResult<JsonNode?>(Status()));
    }

    public StrategyMode Mode => _options.Mode;

    /// <summary>
    /// Its signals and what became of them, and its fills, shown in its next prompt in llm mode (issue 18). It
    /// records what it publishes; the engine's verdicts, order states and fills of its signals come from the
    /// daemon, which feeds them from the audit stream.
    /// </summary>
    public LlmSignalHistory History { get; } = new();

    /// <summary>In LLM mode a run is bounded by the model's timeout (<see cref="LlmStrategyOptions.Timeout"/>); rules need no bound of their own.</summary>
    public override TimeSpan? CallTimeout(string method) =>
        method == "generate_signals" && _options.Mode == StrategyMode.Llm ? _options.Llm!.Timeout : null;

    /// <summary>Disposes the model client if the agent built it.</summary>
    public void Dispose()
    {
        if (_ownsChat)
        {
            _chat?.Dispose();
        }

        _gate.Dispose();
    }

    private async Task<JsonNode?> GenerateSignalsAsync(GenerateSignalsParams parameters, CancellationToken cancellationToken)
    {
        if (!_gate.Wait(0, CancellationToken.None))
        {
            Interlocked.Increment(ref _rejectedBusy);
            throw new AgentException(AgentErrors.Unavailable, "generate_signals is already running; this call was skipped (not queued)");
        }

        try
        {
            IReadOnlyList<string> symbols = ResolveSymbols(parameters.Symbols);
            Interlocked.Increment(ref _runs);
            var report = new StrategyRunReport();
            if (_options.Mode == StrategyMode.Rule)
            {
                RunRules(symbols, report);
            }
            else
            {
                await RunModelAsync(symbols, report, cancellationToken).ConfigureAwait(false);
            }

            return new JsonObject
            {
                ["mode"] = ModeName,
                ["symbols"] = new JsonArray([.. symbols.Select(s => JsonValue.Create(s))]),
                ["signals"] = report.Signals,
                ["refused"] = report.Refused,
                ["failure"] = report.Failure,
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    private string ModeName => _options.Mode == StrategyMode.Rule ? "rule" : "llm";

    private IReadOnlyList<string> ResolveSymbols(IReadOnlyList<string>? requested)
    {
        IReadOnlyList<string> known = _view.Symbols;
        if (requested is null)
        {
            return known;
        }

        string[] unknown = [.. requested.Where(s => !known.Contains(s, StringComparer.OrdinalIgnoreCase))];
        if (unknown.Length > 0)
        {
            throw new AgentException(AgentErrors.InvalidParams, "symbols: not traded by the engine: " + string.Join(", ", unknown));
        }

        return [.. requested.Select(s => known.First(k => string.Equals(k, s, StringComparison.OrdinalIgnoreCase))).Distinct(StringComparer.Ordinal)];
    }

    private void RunRules(IReadOnlyList<string> symbols, StrategyRunReport report)
    {
        RuleStrategyOptions rules = _options.Rules;
        foreach (string symbol in symbols)
        {
            IReadOnlyList<Bar> bars = _bars.GetBars(symbol, _bars.CapacityPerSymbol);
            if (bars.Count == 0)
            {
                continue;
            }

            long after = _lastEvaluatedNs.TryGetValue(symbol, out long seen) ? seen : long.MinValue;
            if (bars[^1].StartNs <= after)
            {
                continue;
            }

            ProposedSignal? signal = RuleStrategy.Evaluate(symbol, bars, after, rules, out Bar firedOn);
            _lastEvaluatedNs[symbol] = bars[^1].StartNs;
            if (signal is not null)
            {
                Publish(signal, firedOn.Close, report);
            }
        }
    }

    private async Task RunModelAsync(IReadOnlyList<string> symbols, StrategyRunReport report, CancellationToken cancellationToken)
    {
        LlmStrategyOptions llm = _options.Llm!;
        TradingSnapshot snapshot = _view.Current;
        List<ChatMessage> messages = LlmPrompt.Build(symbols, _bars, snapshot, llm, _eventTimeNs?.Invoke() ?? snapshot.EventTimeNs, _riskLimits?.Invoke(), History);
        var chatOptions = new ChatOptions
        {
            ModelId = llm.Model,
            Temperature = llm.Temperature,
            MaxOutputTokens = llm.MaxOutputTokens,
            ResponseFormat = llm.UseJsonResponseFormat ? ChatResponseFormat.Json : null,
        };

        string? content;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(llm.Timeout);
            try
            {
                ChatResponse response = await _chat!.GetResponseAsync(messages, chatOptions, timeout.Token).ConfigureAwait(false);
                content = response.Text;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller gave up first (its deadline, a canceled task, shutdown): the run gave
                // nothing, which is a failure like the model's own timeout; the caller gets the cancellation.
                Fail(report, StrategyFailureKinds.Timeout, "the run was canceled by its caller before the model answered");
                throw;
            }
#pragma warning disable CA1031 // A failed model call from outside is a counted failure, never a crash.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (string kind, string detail) = LlmCallErrors.Classify(ex, llm);
                Fail(report, kind, detail);
                return;
            }
        }

        LlmAnswer answer = LlmSignalParser.Parse(content, symbols.ToHashSet(StringComparer.Ordinal), llm.MaxSignals);
        if (answer.DocumentError is not null)
        {
            _metrics?.RecordFailure(llm.AgentName, answer.DocumentErrorKind!, TimeSpan.Zero);
            Fail(report, answer.DocumentErrorKind!, llm.Scrub(answer.DocumentError) + "; answer began: " + LlmSignalParser.Clip(llm.Scrub(content), 200));
            return;
        }

        foreach (string refused in answer.RefusedItems)
        {
            Interlocked.Increment(ref _invalidSignal);
            _metrics?.RecordFailure(llm.AgentName, StrategyFailureKinds.InvalidSignal, TimeSpan.Zero);
            string line = llm.Scrub(refused);
            Volatile.Write(ref _lastFailure, StrategyFailureKinds.InvalidSignal + ": " + line);
            s_logger.Warn("strategy_agent: refused a signal from the model ({0}): {1}", StrategyFailureKinds.InvalidSignal, line);
            report.Refused.Add(line);
        }

        foreach (ProposedSignal signal in answer.Signals)
        {
            IReadOnlyList<Bar> last = _bars.GetBars(signal.Symbol, 1);
            Publish(signal with { Reason = llm.Scrub(signal.Reason) }, last.Count > 0 ? last[0].Close : 0m, report, snapshot.EventTimeNs);
        }
    }

    private void Publish(ProposedSignal signal, decimal lastClose, StrategyRunReport report, long eventTimeNs = 0)
    {
        (OrderType type, decimal price, decimal stop) = signal.Order(lastClose); // the intent the model gave, or a limit at the last close
        var agentSignal = new AgentSignal(signal.Symbol, signal.Side, signal.Confidence, price, signal.Reason, Name)
        {
            OrderType = signal.OrderType,
            StopPrice = stop,
            Tif = signal.Tif,
            Quantity = signal.Quantity,
            TakeProfit = signal.Exits.TakeProfit,
            TakeProfitPct = signal.Exits.TakeProfitPct,
            StopLoss = signal.Exits.StopLoss,
            StopLossPct = signal.Exits.StopLossPct,
            TrailPrice = signal.Exits.TrailPrice,
            TrailPercent = signal.Exits.TrailPercent,
        };
        SignalPublishResult result = _publisher.Publish(agentSignal);
        if (_options.Mode == StrategyMode.Llm)
        {
            History.Add(new LlmSignalRecord(_eventTimeNs?.Invoke() ?? eventTimeNs, signal, type, price, stop, result.SignalId,
                result.Accepted ? "accepted" : "refused: " + result.Error, result.Accepted ? "pending" : "none"));
        }

        string side = signal.Side == Side.Buy ? "BUY" : "SELL";
        if (result.Accepted)
        {
            Interlocked.Increment(ref _published);
            s_logger.Info("strategy_agent: {0} {1} confidence {2} published at sequence {3}: {4}", signal.Symbol, side, signal.Confidence, result.Sequence, Core.SignalLimits.EscapeUnsafe(signal.Reason));
        }
        else
        {
            Interlocked.Increment(ref _refusedByEngine);
            s_logger.Warn("strategy_agent: {0} {1} confidence {2} refused by the engine ({3}): {4}", signal.Symbol, side, signal.Confidence, result.Error, Core.SignalLimits.EscapeUnsafe(signal.Reason)); // the model's text: one line
        }

        report.Signals.Add(new JsonObject
        {
            ["symbol"] = signal.Symbol,
            ["side"] = side,
            ["confidence"] = signal.Confidence,
            ["reason"] = signal.Reason,
            ["price"] = price,
            ["accepted"] = result.Accepted,
            ["sequence"] = result.Sequence,
            ["error"] = result.Error,
        });
    }

    private void Fail(StrategyRunReport report, string kind, string detail)
    {
        switch (kind)
        {
            case StrategyFailureKinds.MalformedJson:
                Interlocked.Increment(ref _malformedJson);
                break;
            case StrategyFailureKinds.InvalidSignal:
                Interlocked.Increment(ref _invalidSignal);
                break;
            case StrategyFailureKinds.Timeout:
                Interlocked.Increment(ref _timeout);
                break;
            case StrategyFailureKinds.RateLimited:
                Interlocked.Increment(ref _rateLimited);
                break;
            default:
                Interlocked.Increment(ref _httpError);
                break;
        }

        Volatile.Write(ref _lastFailure, kind + ": " + detail);
        s_logger.Warn("strategy_agent: model call gave no signals ({0}): {1}", kind, detail);
        report.Failure = new JsonObject { ["kind"] = kind, ["detail"] = detail };
    }

    /// <summary>Only a run is work; <c>get_status</c> is a query.</summary>
    protected override bool CountsAsWork(string method) => method == "generate_signals";

    /// <summary>A run whose model call failed (HTTP error, timeout, malformed answer) is a failed work item, though its result is ok.</summary>
    protected override string? WorkFailure(AgentResult result) =>
        base.WorkFailure(result) ?? (result.Result?["failure"] is JsonObject failure ? $"{failure["kind"]}: {failure["detail"]}" : null);

    private JsonObject Status()
    {
        var status = new JsonObject
        {
            ["name"] = Name,
            ["mode"] = ModeName,
            ["runs"] = Interlocked.Read(ref _runs),
            ["rejected_busy"] = Interlocked.Read(ref _rejectedBusy),
            ["signals_published"] = Interlocked.Read(ref _published),
            ["signals_refused_by_engine"] = Interlocked.Read(ref _refusedByEngine),
            ["failures"] = new JsonObject
            {
                [StrategyFailureKinds.MalformedJson] = Interlocked.Read(ref _malformedJson),
                [StrategyFailureKinds.InvalidSignal] = Interlocked.Read(ref _invalidSignal),
                [StrategyFailureKinds.HttpError] = Interlocked.Read(ref _httpError),
                [StrategyFailureKinds.RateLimited] = Interlocked.Read(ref _rateLimited),
                [StrategyFailureKinds.Timeout] = Interlocked.Read(ref _timeout),
            },
            ["last_failure"] = Volatile.Read(ref _lastFailure),
        };
        if (_options.Llm is { } llm && _options.Mode == StrategyMode.Llm)
        {
            status["model"] = llm.Model;
            status["endpoint"] = llm.DisplayEndpoint;
            status["timeout_seconds"] = llm.Timeout.TotalSeconds;
        }
        else
        {
            RuleStrategyOptions rules = _options.Rules;
            status["rules"] = new JsonObject
            {
                ["sma_crossover"] = rules.UseSmaCrossover ? $"{rules.FastPeriod}/{rules.SlowPeriod}" : null,
                ["rsi"] = rules.UseRsi ? string.Create(CultureInfo.InvariantCulture, $"{rules.RsiPeriod} ({rules.RsiOversold}/{rules.RsiOverbought})") : null,
            };
        }

        return status;
    }
}
