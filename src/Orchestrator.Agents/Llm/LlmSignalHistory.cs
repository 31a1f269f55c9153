using Orchestrator.Core;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// An LLM agent's own recent signals and what became of them, its recent fills and its orders still
/// working, for its next prompt (issue 18, "the agent's own previous signals and what became of them";
/// <see cref="LlmStrategyPrompt"/> writes them). One kind for both LLM agents: a <c>role: strategy</c>
/// agent (<see cref="LlmStrategy"/>) feeds it from its strategy callbacks; the built-in
/// <c>strategy_agent</c> records what it published and the daemon feeds it from the engine's audit
/// stream (its records by the agent's source: risk verdict, consolidation, order states, fills).
/// </summary>
/// <remarks>
/// Thread-safe: the feed (a strategy's worker, the audit thread) and the prompt's reader (a run) may be
/// different threads; each call takes one short lock. Bounded: the last <see cref="Length"/> signals and
/// fills; an order still working stays listed after its signal left the history.
/// </remarks>
public sealed class LlmSignalHistory
{
    /// <summary>Signals (and fills) kept for the prompt.</summary>
    public const int Length = 20;

    private readonly Lock _gate = new();
    private readonly List<LlmSignalRecord> _signals = [];
    private readonly List<LlmFillRecord> _fills = [];
    private readonly List<LlmSignalRecord> _openOrders = [];

    /// <summary>
    /// The engine's later word on signal <paramref name="signalId"/> (risk, consolidation); <paramref name="final"/>
    /// when it will never be an order. Ignored when not one of its own.
    /// </summary>
    public void OnDecided(long signalId, string decision, bool final)
    {
        lock (_gate)
        {
            if (Find(signalId) is { } record)
            {
                record.OnDecided(decision, final);
                TrackOpen(record);
            }
        }
    }

    /// <summary>The order of signal <paramref name="signalId"/> (<paramref name="clientOrderId"/>) changed state.</summary>
    public void OnOrderUpdate(long signalId, long clientOrderId, ExecutionType execType, RejectReason reject)
    {
        lock (_gate)
        {
            if (Find(signalId) is { } record)
            {
                record.OnUpdate(clientOrderId, execType, reject);
                TrackOpen(record);
            }
        }
    }

    /// <summary>One of its fills (<paramref name="signalId"/> 0 or unknown: kept as a fill, no signal updated).</summary>
    public void OnFill(long signalId, long eventTimeNs, string symbol, Side side, decimal quantity, decimal price, decimal? commission, bool complete)
    {
        lock (_gate)
        {
            if (Find(signalId) is { } record)
            {
                record.OnFill(quantity, price, complete);
                TrackOpen(record);
            }

            Keep(_fills, new LlmFillRecord(eventTimeNs, symbol, side, quantity, price, commission));
        }
    }

    /// <summary>A signal it just sent.</summary>
    internal void Add(LlmSignalRecord record)
    {
        lock (_gate)
        {
            Keep(_signals, record);
            TrackOpen(record);
        }
    }

    /// <summary>The last signals, oldest first (a copy).</summary>
    internal LlmSignalRecord[] Signals
    {
        get
        {
            lock (_gate)
            {
                return [.. _signals];
            }
        }
    }

    /// <summary>The last fills, oldest first (a copy).</summary>
    internal LlmFillRecord[] Fills
    {
        get
        {
            lock (_gate)
            {
                return [.. _fills];
            }
        }
    }

    /// <summary>Its orders still working (a copy).</summary>
    internal LlmSignalRecord[] OpenOrders
    {
        get
        {
            lock (_gate)
            {
                return [.. _openOrders];
            }
        }
    }

    private LlmSignalRecord? Find(long signalId)
    {
        if (signalId == 0)
        {
            return null;
        }

        for (int i = _signals.Count - 1; i >= 0; i--)
        {
            if (_signals[i].SignalId == signalId)
            {
                return _signals[i];
            }
        }

        foreach (LlmSignalRecord open in _openOrders)
        {
            if (open.SignalId == signalId)
            {
                return open;
            }
        }

        return null;
    }

    /// <summary>Keeps <paramref name="record"/> among the open orders while its order works (also after it left the signal history).</summary>
    private void TrackOpen(LlmSignalRecord record)
    {
        bool listed = _openOrders.Contains(record);
        if (record.IsOpen && !listed)
        {
            _openOrders.Add(record);
        }
        else if (!record.IsOpen && listed)
        {
            _openOrders.Remove(record);
        }
    }

    private static void Keep<T>(List<T> list, T item)
    {
        if (list.Count == Length)
        {
            list.RemoveAt(0);
        }

        list.Add(item);
    }
}
