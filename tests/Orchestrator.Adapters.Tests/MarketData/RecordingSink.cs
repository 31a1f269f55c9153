using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData;

/// <summary>Keeps every tick with its arrival time on an optional clock, and lets the test wait for a count.</summary>
internal sealed class RecordingSink(TimeProvider? clock = null) : IMarketDataSink, IDisposable
{
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private readonly object _gate = new();
    private readonly List<MarketTick> _ticks = [];
    private readonly List<DateTimeOffset> _arrivals = [];
    private readonly ManualResetEventSlim _changed = new(false);

    public string? ThreadName { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ticks.Count;
            }
        }
    }

    public List<MarketTick> Ticks
    {
        get
        {
            lock (_gate)
            {
                return [.. _ticks];
            }
        }
    }

    public List<DateTimeOffset> Arrivals
    {
        get
        {
            lock (_gate)
            {
                return [.. _arrivals];
            }
        }
    }

    public void OnMarketData(in MarketTick tick)
    {
        lock (_gate)
        {
            _ticks.Add(tick);
            _arrivals.Add(clock?.GetUtcNow() ?? default);
            ThreadName = Thread.CurrentThread.Name;
        }

        _changed.Set();
    }

    /// <summary>True once at least <paramref name="count"/> ticks have arrived; false if none arrives for <see cref="Hang"/>.</summary>
    public bool WaitForCount(int count)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_ticks.Count >= count)
                {
                    return true;
                }

                _changed.Reset();
            }

            if (!_changed.Wait(Hang))
            {
                return false;
            }
        }
    }

    public void Dispose() => _changed.Dispose();
}
