using Disruptor;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// The gateway's consumer after the trading stages (<see cref="Engine.TradingEngine.AttachSignalOutcomeConsumer"/>),
/// called on its own processor thread in sequence order: for each gateway signal it copies the
/// verdict (<see cref="EngineEvent.Reject"/>, <see cref="EngineEvent.ClientOrderId"/>) into the
/// connection slot's pre-allocated entry, and at the end of each batch wakes the writers of the
/// slots it touched; and it drives the agents' <see cref="AgentFeed"/> (market data, agents' orders and fills). No allocation, no lock, never blocks: a slow client only delays its own
/// writer, whose credit stops its own reader. Public (built only by the gateway) so that
/// Disruptor-net can call it through a generated struct proxy.
/// </summary>
public sealed class SignalOutcomeHandler : IValueEventHandler<EngineEvent>
{
    private readonly GatewaySlot[] _slots;
    private readonly GatewayCounters _counters;
    private readonly AgentFeed? _feed;
    private readonly bool[] _touched;
    private readonly int[] _touchedList;
    private int _touchedCount;

    internal SignalOutcomeHandler(GatewaySlot[] slots, GatewayCounters counters, AgentFeed? feed = null)
    {
        _feed = feed;
        _slots = slots;
        _counters = counters;
        _touched = new bool[slots.Length];
        _touchedList = new int[slots.Length];
    }

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        _feed?.OnEvent(ref data, sequence, endOfBatch); // first: it copies an agent signal's client id before Decide frees it
        if (data.Kind == EventKind.TradeSignal && GatewaySlot.TryGetSlot(data.SignalId, out int slot) && (uint)slot < (uint)_slots.Length)
        {
            _slots[slot].Decide(data.SignalId, data.Reject, data.ClientOrderId);
            _counters.CountOutcome(data.Reject, data.ClientOrderId);
            if (!_touched[slot])
            {
                _touched[slot] = true;
                _touchedList[_touchedCount++] = slot;
            }
        }

        if (endOfBatch && _touchedCount > 0)
        {
            for (int i = 0; i < _touchedCount; i++)
            {
                int touched = _touchedList[i];
                _touched[touched] = false;
                _slots[touched].Work.Set();
            }

            _touchedCount = 0;
        }
    }
}
