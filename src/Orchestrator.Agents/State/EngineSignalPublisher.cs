using Orchestrator.Engine;

namespace Orchestrator.Agents.State;

/// <summary>
/// <see cref="ISignalPublisher"/> into the engine's inbound ring: the signal is checked first
/// (known symbol, side, confidence in [0, 1], price not negative, reason bounded) so nothing
/// malformed reaches the fast path; the ring never blocks an agent — when it is full the signal
/// is refused as "engine busy". Risk decides afterwards, like for any signal.
/// </summary>
/// <param name="engine">The engine.</param>
/// <param name="eventTimeNs">The current event time (the latest market data), which the signal carries.</param>
public sealed class EngineSignalPublisher(TradingEngine engine, Func<long> eventTimeNs) : ISignalPublisher
{
    /// <summary>Agent signal ids live in their own range, apart from the gateway's.</summary>
    public const long SignalIdBase = Core.SignalLimits.AgentSignalIdBase;

    private const int MaxReasonLength = Core.SignalLimits.MaxReasonLength;
    private long _nextSignalId = SignalIdBase;
    private long _published;
    private long _refused;

    /// <summary>Signals published and refused so far.</summary>
    public (long Published, long Refused) Stats => (Interlocked.Read(ref _published), Interlocked.Read(ref _refused));

    public SignalPublishResult Publish(AgentSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        string? problem = Check(signal, out int symbolId);
        if (problem is not null)
        {
            Interlocked.Increment(ref _refused);
            return new SignalPublishResult(false, 0, problem);
        }

        long sequence = engine.PublishSignal(symbolId, signal.Side, Core.SignalLimits.ToConfidencePpm(signal.Confidence), Core.FixedPoint.FromDecimal(signal.Price),
            Interlocked.Increment(ref _nextSignalId), signal.Source, signal.Reason, eventTimeNs(), wait: false);
        if (sequence < 0)
        {
            Interlocked.Increment(ref _refused);
            return new SignalPublishResult(false, 0, "engine busy: the inbound ring is full; try again");
        }

        Interlocked.Increment(ref _published);
        return new SignalPublishResult(true, sequence, null);
    }

    private string? Check(AgentSignal signal, out int symbolId)
    {
        symbolId = -1;
        if (string.IsNullOrWhiteSpace(signal.Symbol) || !engine.Symbols.TryGetId(signal.Symbol, out symbolId))
        {
            return $"symbol: '{signal.Symbol}' is not traded here ({string.Join(", ", engine.Symbols.Names)})";
        }

        if (signal.Side is not (Core.Side.Buy or Core.Side.Sell))
        {
            return "side: must be BUY or SELL";
        }

        if (!Core.SignalLimits.IsValidConfidence(signal.Confidence))
        {
            return $"confidence: must be between 0 and 1, got {signal.Confidence}";
        }

        if (!Core.SignalLimits.IsValidPrice(signal.Price))
        {
            return $"price: must be between 0 and 1,000,000,000, got {signal.Price}";
        }

        if (signal.Reason is { Length: > MaxReasonLength })
        {
            return $"reason: at most {MaxReasonLength} characters";
        }

        if (string.IsNullOrWhiteSpace(signal.Source))
        {
            return "source: required";
        }

        if (!Core.SignalLimits.IsSafeText(signal.Reason) || !Core.SignalLimits.IsSafeText(signal.Source))
        {
            return "reason, source: control, line-separator (U+2028/U+2029) and bidi characters are not allowed";
        }

        return signal.Source.Length > Core.SignalLimits.MaxSourceLength ? $"source: at most {Core.SignalLimits.MaxSourceLength} characters" : null;
    }
}
