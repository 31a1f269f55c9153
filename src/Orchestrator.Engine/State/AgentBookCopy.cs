using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// A reader's own copy of an <see cref="AgentBook"/> (reuse it: reading again allocates only for
/// names it has not seen). Slots 0..<see cref="Count"/>−1 in the book's order; per-symbol figures at
/// [index × <see cref="SymbolCount"/> + symbol id]; rejects at [index × <see cref="AgentBook.ReasonCount"/> + reason].
/// </summary>
public sealed class AgentBookCopy
{
    /// <summary>Name of the slot for signals that came without a source.</summary>
    public const string UnnamedSource = "(none)";

    private static readonly AgentKinds s_defaultKinds = new();

    public int Count { get; internal set; }

    public int SymbolCount { get; private set; }

    /// <summary>The source id of each slot in this process (-1 = the "other" slot).</summary>
    public int[] SourceIds { get; private set; } = [];

    public string[] Names { get; private set; } = [];

    public long[] Signals { get; private set; } = [];

    public long[] Orders { get; private set; } = [];

    public long[] Fills { get; private set; } = [];

    public long[] CommissionRaw { get; private set; } = [];

    public long[] Rejects { get; private set; } = [];

    public long[] Quantity { get; private set; } = [];

    public long[] CostRaw { get; private set; } = [];

    public long[] RealizedRaw { get; private set; } = [];

    /// <summary>Each symbol's quantity unit, the book's (issue 19).</summary>
    public QuantityUnits Units { get; private set; } = QuantityUnits.Whole(0);

    /// <summary>Last trade price per symbol when the copy was taken (0 = none yet).</summary>
    public long[] LastRaw { get; private set; } = [];

    /// <summary>The index of the slot called <paramref name="name"/> (ordinal), or -1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Realized P&amp;L of slot <paramref name="index"/> over every symbol (raw; before commissions).</summary>
    public long RealizedTotalRaw(int index)
    {
        long total = 0;
        for (int s = 0; s < SymbolCount; s++)
        {
            total += RealizedRaw[(index * SymbolCount) + s];
        }

        return total;
    }

    /// <summary>Unrealized P&amp;L of slot <paramref name="index"/> over every symbol at the copied last prices (raw).</summary>
    public long UnrealizedTotalRaw(int index)
    {
        long total = 0;
        for (int s = 0; s < SymbolCount; s++)
        {
            int at = (index * SymbolCount) + s;
            total += PositionMath.Unrealized(Quantity[at], CostRaw[at], LastRaw[s], Units.PerShare(s));
        }

        return total;
    }

    /// <summary>The copy as figures in decimal money, one per slot, each with its kind from <paramref name="kinds"/> (slow path: allocates).</summary>
    public IReadOnlyList<AgentFigures> Figures(SymbolTable symbols, AgentKinds? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var figures = new List<AgentFigures>(Count);
        for (int i = 0; i < Count; i++)
        {
            figures.Add(FiguresOf(i, symbols, kinds));
        }

        return figures;
    }

    /// <summary>Slot <paramref name="index"/> as figures in decimal money (slow path).</summary>
    public AgentFigures FiguresOf(int index, SymbolTable symbols, AgentKinds? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var rejects = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (int r = 1; r < AgentBook.ReasonCount; r++)
        {
            long count = Rejects[(index * AgentBook.ReasonCount) + r];
            if (count > 0)
            {
                rejects[((RejectReason)r).ToString()] = count;
            }
        }

        var positions = new List<AgentPosition>();
        for (int s = 0; s < SymbolCount; s++)
        {
            int at = (index * SymbolCount) + s;
            if (Quantity[at] != 0 || RealizedRaw[at] != 0)
            {
                positions.Add(new AgentPosition(
                    symbols.GetName(s),
                    Units.ToDecimal(s, Quantity[at]),
                    FixedPoint.ToDecimal(PositionMath.AverageCost(Quantity[at], CostRaw[at], Units.PerShare(s))),
                    FixedPoint.ToDecimal(LastRaw[s]),
                    FixedPoint.ToDecimal(RealizedRaw[at]),
                    FixedPoint.ToDecimal(PositionMath.Unrealized(Quantity[at], CostRaw[at], LastRaw[s], Units.PerShare(s)))));
            }
        }

        return new AgentFigures(
            Names[index],
            (kinds ?? s_defaultKinds).Of(Names[index]),
            Signals[index],
            Orders[index],
            Fills[index],
            rejects,
            FixedPoint.ToDecimal(RealizedTotalRaw(index)),
            FixedPoint.ToDecimal(UnrealizedTotalRaw(index)),
            FixedPoint.ToDecimal(CommissionRaw[index]),
            positions);
    }

    internal void Ensure(int capacity, int symbols, QuantityUnits units)
    {
        SymbolCount = symbols;
        Units = units;
        if (SourceIds.Length != capacity || LastRaw.Length != symbols)
        {
            SourceIds = new int[capacity];
            Names = new string[capacity];
            Signals = new long[capacity];
            Orders = new long[capacity];
            Fills = new long[capacity];
            CommissionRaw = new long[capacity];
            Rejects = new long[capacity * AgentBook.ReasonCount];
            Quantity = new long[capacity * symbols];
            CostRaw = new long[capacity * symbols];
            RealizedRaw = new long[capacity * symbols];
            LastRaw = new long[symbols];
        }
    }

    internal void ResolveName(int index, TextInterner sources)
    {
        int id = SourceIds[index];
        Names[index] = id < 0 ? AgentBook.OtherName : sources.Get(id) is { Length: > 0 } name ? name : UnnamedSource;
    }
}
