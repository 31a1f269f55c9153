namespace Orchestrator.Examples.SmaAgent;

/// <summary>Fast and slow simple moving averages of one symbol's closes; tells when they cross.</summary>
public sealed class SmaCrossover
{
    private readonly Queue<decimal> _fast = new();
    private readonly Queue<decimal> _slow = new();
    private readonly int _fastLength;
    private readonly int _slowLength;
    private decimal _fastSum;
    private decimal _slowSum;
    private bool? _above;

    public SmaCrossover(int fastLength, int slowLength)
    {
        if (fastLength <= 0 || fastLength >= slowLength)
        {
            throw new ArgumentException("the fast length must be > 0 and less than the slow length");
        }

        _fastLength = fastLength;
        _slowLength = slowLength;
    }

    public decimal FastAverage => _fast.Count == 0 ? 0 : _fastSum / _fast.Count;

    public decimal SlowAverage => _slow.Count == 0 ? 0 : _slowSum / _slow.Count;

    /// <summary>Adds a close; returns +1 when the fast average crossed above the slow one, -1 below, 0 otherwise.</summary>
    public int Update(decimal close)
    {
        _fastSum += Push(_fast, _fastLength, close);
        _slowSum += Push(_slow, _slowLength, close);
        if (_slow.Count < _slowLength)
        {
            return 0;
        }

        bool above = FastAverage > SlowAverage;
        int crossed = _above is { } was && was != above ? (above ? 1 : -1) : 0;
        _above = above;
        return crossed;
    }

    /// <summary>Adds <paramref name="value"/> to a window of <paramref name="length"/>; returns the change of the window's sum.</summary>
    private static decimal Push(Queue<decimal> window, int length, decimal value)
    {
        window.Enqueue(value);
        return window.Count > length ? value - window.Dequeue() : value;
    }
}
