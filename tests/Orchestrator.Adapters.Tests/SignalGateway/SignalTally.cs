using Disruptor;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>Counts, after the trading stages, each trade signal the engine processed, by signal id (engine thread; tests read after quiet).</summary>
internal sealed class SignalTally : IValueEventHandler<EngineEvent>
{
    private readonly object _gate = new();
    private readonly Dictionary<long, int> _bySequence = [];
    private readonly Dictionary<long, int> _byId = [];
    private int _lastSourceId;

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        if (data.Kind != EventKind.TradeSignal)
        {
            return;
        }

        lock (_gate)
        {
            _byId[data.SignalId] = _byId.GetValueOrDefault(data.SignalId) + 1;
            _bySequence[sequence] = _bySequence.GetValueOrDefault(sequence) + 1;
            _lastSourceId = data.SourceId;
        }
    }

    /// <summary>The source name of the last trade signal the engine processed.</summary>
    public string LastSource(Engine.TradingEngine engine)
    {
        lock (_gate)
        {
            return engine.Sources.Get(_lastSourceId);
        }
    }

    public (Dictionary<long, int> ById, Dictionary<long, int> BySequence) Snapshot()
    {
        lock (_gate)
        {
            return (new Dictionary<long, int>(_byId), new Dictionary<long, int>(_bySequence));
        }
    }
}
