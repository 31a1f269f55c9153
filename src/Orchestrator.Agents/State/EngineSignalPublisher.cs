using Orchestrator.Engine;

namespace Orchestrator.Agents.State;

/// <summary>
/// <see cref="ISignalPublisher"/> into the engine's inbound ring: the signal is checked first
/// (known symbol, side (a new order's), confidence in [0, 1], price not negative, a sound order
/// intent with its exits or amend/cancel action (<see cref="Core.SignalIntentRules.CheckAll"/>), reason
/// bounded) so nothing malformed reaches the fast path; the ring never blocks an agent — when it is full the signal
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

        Core.SignalIntent intent = Intent(signal, engine.Instruments.Units.Decimals(symbolId));
        long signalId = Interlocked.Increment(ref _nextSignalId);
        long sequence = engine.PublishSignal(symbolId, signal.Side, Core.SignalLimits.ToConfidencePpm(signal.Confidence), intent,
            signalId, signal.Source, signal.Reason, eventTimeNs(), wait: false);
        if (sequence < 0)
        {
            Interlocked.Increment(ref _refused);
            return new SignalPublishResult(false, 0, "engine busy: the inbound ring is full; try again");
        }

        Interlocked.Increment(ref _published);
        return new SignalPublishResult(true, sequence, null) { SignalId = signalId };
    }

    private string? Check(AgentSignal signal, out int symbolId)
    {
        symbolId = -1;
        if (string.IsNullOrWhiteSpace(signal.Symbol) || !engine.Symbols.TryGetId(signal.Symbol, out symbolId))
        {
            return $"symbol: '{signal.Symbol}' is not traded here ({string.Join(", ", engine.Symbols.Names)})";
        }

        if (signal.Side is not (Core.Side.Buy or Core.Side.Sell) && (signal.Action == Core.SignalAction.New || signal.Side != Core.Side.None))
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

        string? intent = CheckIntent(signal, engine.Instruments.Units.Decimals(symbolId));
        if (intent is not null)
        {
            return intent;
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

    /// <summary>The order intent's rules (<see cref="Core.SignalIntentRules"/>); null when it is sound.</summary>
    private static string? CheckIntent(AgentSignal signal, int quantityDecimals)
    {
        if (signal.OrderType is { } type && !Enum.IsDefined(type))
        {
            return Core.SignalIntentRules.OrderTypeInvalidMessage;
        }

        if (!Core.SignalLimits.IsValidPrice(signal.StopPrice))
        {
            return $"{Core.SignalIntentRules.StopPriceOutOfRangeMessage}, got {signal.StopPrice}";
        }

        if (!Enum.IsDefined(signal.Tif))
        {
            return Core.SignalIntentRules.TifInvalidMessage;
        }

        if (signal.Quantity != 0 && !Core.SignalIntentRules.TryQuantity(signal.Quantity, quantityDecimals, out _))
        {
            return $"{Core.SignalIntentRules.QuantityInvalidMessage}, got {signal.Quantity}";
        }

        if (!Enum.IsDefined(signal.Action))
        {
            return Core.SignalIntentRules.ActionInvalidMessage;
        }

        if (signal.OrderId is < 0 or > Core.SignalIntentRules.MaxOrderId)
        {
            return $"{Core.SignalIntentRules.OrderIdInvalidMessage}, got {signal.OrderId}";
        }

        Core.SignalIntentProblem problem = Core.SignalIntentRules.TryExits(signal.TakeProfit, signal.TakeProfitPct, signal.StopLoss, signal.StopLossPct, signal.TrailPrice, signal.TrailPercent, out _);
        if (problem == Core.SignalIntentProblem.None)
        {
            Core.SignalIntent intent = Intent(signal, quantityDecimals);
            problem = Core.SignalIntentRules.CheckAll(signal.OrderType is not null, signal.Side, in intent);
        }

        return problem == Core.SignalIntentProblem.None ? null : Core.SignalIntentRules.Message(problem);
    }

    /// <summary>The signal's intent as the ring carries it (prices and exits already checked to be in range; the quantity in the symbol's units).</summary>
    private static Core.SignalIntent Intent(AgentSignal signal, int quantityDecimals)
    {
        Core.SignalIntentRules.TryQuantity(signal.Quantity, quantityDecimals, out long quantity); // 0 when none (checked before)
        Core.SignalIntentRules.TryExits(signal.TakeProfit, signal.TakeProfitPct, signal.StopLoss, signal.StopLossPct, signal.TrailPrice, signal.TrailPercent, out Core.ProtectiveExits exits);
        return new Core.SignalIntent
        {
            OrderType = signal.OrderType ?? Core.OrderType.Market,
            LimitRaw = Core.FixedPoint.FromDecimal(signal.Price),
            StopRaw = Core.FixedPoint.FromDecimal(signal.StopPrice),
            Tif = signal.Tif,
            Quantity = quantity,
            Action = signal.Action,
            TargetOrderId = signal.OrderId,
            Exits = exits,
        };
    }
}
