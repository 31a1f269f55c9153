using System.Globalization;
using Microsoft.Extensions.AI;
using NLog;
using Orchestrator.Agents.Strategy;
using Orchestrator.Core;
using Orchestrator.Strategies;
using StrategyBar = Orchestrator.Strategies.Bar;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// An LLM agent of agent_model.yaml with <c>role: strategy</c> as an in-process slow-path strategy
/// (issue 18): on its <see cref="LlmSchedule"/> (a bar close, or an interval through the host's timers —
/// event time either way; a bar close runs it on the input that closed the bar, once that input is in the
/// new forming bar) it asks its model with the prompt <see cref="LlmStrategyPrompt"/> builds, reads
/// the answer with <see cref="LlmSignalParser"/> (the strategy agent's strict format, with the order
/// intent) and submits each signal through the engine's strategy API; risk, sizing and every limit
/// still decide.
/// </summary>
/// <remarks>
/// <para>Threading: every callback comes from the strategy's own worker thread live (one per slow-path
/// strategy, so a model call blocks no other strategy and never the engine), and inline in backtests,
/// where the model call blocks the backtest — which makes it deterministic given the model's answers.
/// The model call waits at most <see cref="LlmStrategyOptions.Timeout"/>.</para>
/// <para>A journal replay (<see cref="IStrategyContext.IsReplaying"/>) rebuilds its bars, fills and
/// timers but never calls the model: what it sent is in the journal.</para>
/// <para>Without an order type or prices a signal is a limit order at the symbol's last close (the last
/// closed bar's, or the last trade before any bar closed). An answer that is not the format is refused
/// whole; a bad item is refused alone; each is counted (<see cref="FailureCounts"/>) and logged at WARN.
/// The model's reason goes to the log and to its own signal history, never into the engine's reason
/// table: the engine's reason code is <see cref="ReasonCode"/>.</para>
/// <para>Every call carries its event time in <c>ChatOptions.AdditionalProperties["event_time_ns"]</c>
/// (a transcript recorder reads it).</para>
/// </remarks>
public sealed class LlmStrategy : IStrategy
{
    /// <summary>The reason code its signals carry in the engine (the model's own reason is logged).</summary>
    public const string ReasonCode = "llm_signal";

    /// <summary>The key of the call's event time in <see cref="ChatOptions.AdditionalProperties"/> (a <see cref="long"/>, ns since the epoch).</summary>
    public const string EventTimeProperty = "event_time_ns";

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents.LlmStrategy");

    private readonly LlmStrategyOptions _options;
    private readonly IChatClient _chat;
    private readonly Func<string>? _riskLimits;
    private readonly LlmCallMetrics? _metrics;
    private readonly Dictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly LlmSignalHistory _history = new();
    private LlmSymbolState[] _symbols = [];
    private IStrategyContext? _context;
    private long _lastBarRunEndNs = long.MinValue;
    private bool _runOnTick;
    private long _calls;
    private long _skippedWhileReplaying;
    private long _signalsSubmitted;

    /// <param name="options">The model and how to ask it (validated here); <see cref="LlmStrategyOptions.AgentName"/> names it in logs.</param>
    /// <param name="chat">The client to ask (<see cref="LlmChatClients.Create(LlmStrategyOptions, LlmCallMetrics?)"/>, a transcript replayer, …); not disposed here.</param>
    /// <param name="schedule">When to ask, in event time.</param>
    /// <param name="riskLimits">The risk limits in force as text for the prompt, read at each call (null = none shown).</param>
    /// <param name="metrics">Where the answers it could not use are recorded (malformed, refused items); the calls themselves are
    /// recorded by the client <see cref="LlmChatClients.Create(LlmStrategyOptions, LlmCallMetrics?)"/> built with the same metrics.</param>
    public LlmStrategy(LlmStrategyOptions options, IChatClient chat, LlmSchedule schedule, Func<string>? riskLimits = null, LlmCallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(schedule);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(options.AgentName + ": " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _chat = chat;
        Schedule = schedule;
        _riskLimits = riskLimits;
        _metrics = metrics;
        Timeframes = [schedule.BarLength];
    }

    /// <summary>Always the slow path: a model call takes its time.</summary>
    public StrategyThreading Threading => StrategyThreading.SlowPath;

    /// <summary>The schedule's bar length (the bars it keeps, shows and, for a bar-close schedule, runs on).</summary>
    public IReadOnlyList<Timeframe> Timeframes { get; }

    public LlmSchedule Schedule { get; }

    /// <summary>Model calls made (any thread; a snapshot).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Runs that came due during a journal replay and did not call the model.</summary>
    public long SkippedWhileReplaying => Interlocked.Read(ref _skippedWhileReplaying);

    /// <summary>Signals it submitted to the engine (whatever the engine decided).</summary>
    public long SignalsSubmitted => Interlocked.Read(ref _signalsSubmitted);

    /// <summary>Failures by kind (<see cref="StrategyFailureKinds"/>; <c>invalid_signal</c> counts refused items), a copy.</summary>
    public IReadOnlyDictionary<string, long> FailureCounts
    {
        get
        {
            lock (_failures)
            {
                return new Dictionary<string, long>(_failures, StringComparer.Ordinal);
            }
        }
    }

    internal IStrategyContext Context => _context ?? throw new InvalidOperationException("not started");

    internal LlmStrategyOptions Options => _options;

    internal IReadOnlyList<LlmSymbolState> SymbolStates => _symbols;

    /// <summary>Its own signals and their fate, fills and orders still working (issue 19: the prompt lists the open orders with their ids, so the model can amend or cancel them).</summary>
    internal LlmSignalHistory History => _history;

    public void OnStart(IStrategyContext context)
    {
        _context = context;
        _symbols = [.. context.Symbols.Select(s => new LlmSymbolState(s, context.SymbolId(s)))];
        if (Schedule.Interval is not null)
        {
            context.SetTimer(Schedule.NextDueNs(context.EventTimeNs));
        }
    }

    public void OnTick(in Tick tick)
    {
        if (tick.HasTrade && Find(tick.SymbolId) is { } symbol)
        {
            symbol.OnTrade(Context.BarBounds(tick.SymbolId, Schedule.BarLength, tick.TsEventNs).StartNs, tick.PriceRaw, tick.Size); // the host's grid: the exchange session with calendars
        }

        if (_runOnTick)
        {
            _runOnTick = false; // the input that closed the bar is in the new forming bar now
            Run();
        }
    }

    public void OnBar(in StrategyBar bar)
    {
        if (bar.Timeframe != Schedule.BarLength || Find(bar.SymbolId) is not { } symbol)
        {
            return;
        }

        symbol.OnBarClosed(bar);
        if (Schedule.BarClose is not null && bar.EndNs > _lastBarRunEndNs)
        {
            _lastBarRunEndNs = bar.EndNs; // the first of its symbols' bars of this period to close runs it,
            _runOnTick = true; // with the input that closed it (its OnTick comes next)
        }
    }

    public void OnTimer(long eventTimeNs)
    {
        if (Schedule.Interval is null)
        {
            return;
        }

        Context.SetTimer(Schedule.NextDueNs(Math.Max(eventTimeNs, Context.EventTimeNs)));
        Run();
    }

    public void OnOrderUpdate(in OrderUpdate update) => _history.OnOrderUpdate(update.SignalId, update.ClientOrderId, update.ExecType, update.Reject);

    public void OnFill(in Fill fill)
    {
        decimal price = FixedPoint.ToDecimal(fill.PriceRaw);
        decimal commission = FixedPoint.ToDecimal(fill.CommissionRaw);
        decimal shares = Quantities.ToDecimal(fill.Quantity, Context.QuantityDecimals(fill.SymbolId)); // the prompt counts shares: 66 hundredths are 0.66 (issue 19)
        Find(fill.SymbolId)?.OnFill(fill.Side, shares, price, commission);
        _history.OnFill(fill.SignalId, fill.TsEventNs, Context.SymbolName(fill.SymbolId), fill.Side, shares, price, commission, fill.LeavesQuantity == 0);
    }

    /// <summary>One scheduled run: ask the model (never while replaying), read the answer, submit its signals.</summary>
    private void Run()
    {
        IStrategyContext context = Context;
        if (context.IsReplaying)
        {
            Interlocked.Increment(ref _skippedWhileReplaying);
            return;
        }

        string? riskText = null;
        if (_riskLimits is not null)
        {
            riskText = _riskLimits();
        }

        List<ChatMessage> messages = LlmStrategyPrompt.Build(this, riskText);
        var chatOptions = new ChatOptions
        {
            ModelId = _options.Model,
            Temperature = _options.Temperature,
            MaxOutputTokens = _options.MaxOutputTokens,
            ResponseFormat = _options.UseJsonResponseFormat ? ChatResponseFormat.Json : null,
            AdditionalProperties = new AdditionalPropertiesDictionary { [EventTimeProperty] = context.EventTimeNs },
        };

        Interlocked.Increment(ref _calls);
        string? content;
        using (var timeout = new CancellationTokenSource(_options.Timeout))
        {
            try
            {
                // The strategy's own worker thread (or a backtest's) waits: nothing else runs on it.
                content = _chat.GetResponseAsync(messages, chatOptions, timeout.Token).GetAwaiter().GetResult().Text;
            }
#pragma warning disable CA1031 // A failed model call is a counted failure, never a strategy exception.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (string kind, string detail) = LlmCallErrors.Classify(ex, _options);
                Fail(kind, detail);
                return;
            }
        }

        HashSet<string> names = [.. _symbols.Select(s => s.Symbol)];
        LlmAnswer answer = LlmSignalParser.Parse(content, names, _options.MaxSignals, allowActions: true);
        if (answer.DocumentError is not null)
        {
            _metrics?.RecordFailure(_options.AgentName, answer.DocumentErrorKind!, TimeSpan.Zero); // the call was counted by the client; its answer was unusable
            Fail(answer.DocumentErrorKind!, _options.Scrub(answer.DocumentError) + "; answer began: " + LlmSignalParser.Clip(_options.Scrub(content), 200));
            return;
        }

        foreach (string refused in answer.RefusedItems)
        {
            _metrics?.RecordFailure(_options.AgentName, StrategyFailureKinds.InvalidSignal, TimeSpan.Zero);
            Count(StrategyFailureKinds.InvalidSignal);
            s_logger.Warn("{0}: refused a signal from the model ({1}): {2}", _options.AgentName, StrategyFailureKinds.InvalidSignal, _options.Scrub(refused));
        }

        foreach (ProposedSignal proposed in answer.Signals)
        {
            Submit(proposed with { Reason = _options.Scrub(proposed.Reason) });
        }
    }

    private void Submit(ProposedSignal proposed)
    {
        IStrategyContext context = Context;
        LlmSymbolState symbol = _symbols.First(s => s.Symbol == proposed.Symbol);
        if (proposed.Action != SignalAction.New)
        {
            SubmitAction(context, symbol, proposed);
            return;
        }

        decimal lastClose = symbol.LastClose > 0 ? symbol.LastClose : FixedPoint.ToDecimal(context.LastPriceRaw(symbol.SymbolId));
        (OrderType type, decimal limit, decimal stop) = proposed.Order(lastClose);
        var signal = new StrategySignal
        {
            SymbolId = symbol.SymbolId,
            Side = proposed.Side,
            Quantity = Units(context, symbol.SymbolId, proposed.Quantity),
            OrderType = type,
            LimitPriceRaw = FixedPoint.FromDecimal(limit),
            StopPriceRaw = FixedPoint.FromDecimal(stop),
            Tif = proposed.Tif,
            Exits = proposed.Exits.ToExits(),
            ConfidencePpm = (int)decimal.Round(proposed.Confidence * SignalLimits.ConfidenceScalePpm),
            Reason = ReasonCode,
        };
        SubmitResult result = context.Submit(signal);
        Interlocked.Increment(ref _signalsSubmitted);
        var record = new LlmSignalRecord(context.EventTimeNs, proposed, type, limit, stop, result);
        _history.Add(record);
        string side = proposed.Side == Side.Buy ? "BUY" : "SELL";
        string order = SignalIntentRules.OrderTypeName(type) + (limit > 0 ? " limit " + limit.ToString(CultureInfo.InvariantCulture) : string.Empty)
            + (stop > 0 ? " stop " + stop.ToString(CultureInfo.InvariantCulture) : string.Empty);
        if (result.IsTaken)
        {
            s_logger.Info("{0}: {1} {2} ({3}) confidence {4}: {5} (signal {6}): {7}", _options.AgentName, proposed.Symbol, side, order, proposed.Confidence, record.Decision, result.SignalId, SignalLimits.EscapeUnsafe(proposed.Reason));
        }
        else
        {
            s_logger.Warn("{0}: {1} {2} ({3}) confidence {4}: {5}: {6}", _options.AgentName, proposed.Symbol, side, order, proposed.Confidence, record.Decision, SignalLimits.EscapeUnsafe(proposed.Reason));
        }
    }

    /// <summary>
    /// An answer's quantity (whole shares; 0 = let sizing choose) in the symbol's quantity units: for a fractional
    /// instrument (quantity_decimals n) 10^n units a share, so "quantity": 5 caps the order at 5 shares, not 5·10^−n.
    /// </summary>
    private static long Units(IStrategyContext context, int symbolId, long shares) =>
        shares <= 0 ? shares : Quantities.FromShares(shares, Quantities.UnitsPerShare(context.QuantityDecimals(symbolId)));

    /// <summary>
    /// An amend or cancel of one of its own orders (issue 19): through the strategy API, which the engine checks
    /// (the order must be this strategy's and open, else NoSuchOrder; an amend that adds risk meets the limits).
    /// </summary>
    private void SubmitAction(IStrategyContext context, LlmSymbolState symbol, ProposedSignal proposed)
    {
        long limitRaw = FixedPoint.FromDecimal(proposed.LimitPrice ?? 0m);
        long stopRaw = FixedPoint.FromDecimal(proposed.StopPrice ?? 0m);
        SubmitResult result = proposed.Action == SignalAction.Cancel
            ? context.Cancel(symbol.SymbolId, proposed.OrderId)
            : context.Amend(symbol.SymbolId, proposed.OrderId, Units(context, symbol.SymbolId, proposed.Quantity), limitRaw, stopRaw);
        Interlocked.Increment(ref _signalsSubmitted);
        var record = new LlmSignalRecord(context.EventTimeNs, proposed, OrderType.Market, proposed.LimitPrice ?? 0m, proposed.StopPrice ?? 0m, result);
        _history.Add(record);
        string what = SignalIntentRules.ActionName(proposed.Action) + " of order " + proposed.OrderId.ToString(CultureInfo.InvariantCulture);
        if (result.IsTaken)
        {
            s_logger.Info("{0}: {1} {2}: {3} (signal {4}): {5}", _options.AgentName, proposed.Symbol, what, record.Decision, result.SignalId, SignalLimits.EscapeUnsafe(proposed.Reason));
        }
        else
        {
            s_logger.Warn("{0}: {1} {2}: {3}: {4}", _options.AgentName, proposed.Symbol, what, record.Decision, SignalLimits.EscapeUnsafe(proposed.Reason));
        }
    }

    private void Fail(string kind, string detail)
    {
        Count(kind);
        s_logger.Warn("{0}: model call gave no signals ({1}): {2}", _options.AgentName, kind, detail);
    }

    private void Count(string kind)
    {
        lock (_failures)
        {
            _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
        }
    }

    private LlmSymbolState? Find(int symbolId)
    {
        foreach (LlmSymbolState symbol in _symbols)
        {
            if (symbol.SymbolId == symbolId)
            {
                return symbol;
            }
        }

        return null;
    }
}
