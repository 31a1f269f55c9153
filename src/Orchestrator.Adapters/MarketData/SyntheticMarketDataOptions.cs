using System.Globalization;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// Settings of the <see cref="SyntheticMarketDataGenerator"/>: the seed that makes a run
/// reproducible, the simulated tick rate, the simulated start time and the symbols.
/// </summary>
public sealed record SyntheticMarketDataOptions
{
    /// <summary>2025-01-02T14:30:00Z (a US cash open) in ns since the Unix epoch.</summary>
    public const long DefaultStartTimeNs = 1_735_828_200_000_000_000;

    /// <summary>Highest accepted <see cref="TicksPerSecond"/>: one tick per nanosecond.</summary>
    public const double MaxTicksPerSecond = 1e9;

    /// <summary>Lowest accepted <see cref="TicksPerSecond"/>: one tick per ~11.6 simulated days.</summary>
    public const double MinTicksPerSecond = 1e-6;

    /// <summary>
    /// Highest price the generator emits, in raw units (long.MaxValue / 20,000, about 461 million
    /// whole units), so that price × spread bps and price ± spread stay inside a <c>long</c>.
    /// </summary>
    public const long MaxPriceRaw = long.MaxValue / 20_000;

    /// <summary>Seed of the generator's own PRNG; equal seeds give equal sequences.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Simulated ticks per second across all symbols (symbols take turns).</summary>
    public double TicksPerSecond { get; init; } = 1000;

    /// <summary>Simulated time of the first tick, ns since the Unix epoch.</summary>
    public long StartTimeNs { get; init; } = DefaultStartTimeNs;

    /// <summary>Simulated time between two ticks (symbols take turns): 1 s / <see cref="TicksPerSecond"/>, at least 1 ns.</summary>
    public long StepIntervalNs => Math.Max(1, (long)Math.Round(1e9 / TicksPerSecond));

    /// <summary>
    /// These options with the first tick one step after <paramref name="lastEventTimeNs"/> when that
    /// is at or after <see cref="StartTimeNs"/>: a session resumed on a journal continues the journal's
    /// event time instead of going back to the fixed start (the risk manager would refuse every signal
    /// of a time it has already seen as a duplicate).
    /// </summary>
    public SyntheticMarketDataOptions ResumedAfter(long lastEventTimeNs) =>
        lastEventTimeNs >= StartTimeNs ? this with { StartTimeNs = lastEventTimeNs + StepIntervalNs } : this;

    /// <summary>The instruments, in round-robin order; at least one, distinct ids.</summary>
    public IReadOnlyList<SyntheticSymbol> Symbols { get; init; } = [];

    /// <summary>Every problem at once, each as <c>key: reason</c>; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(TicksPerSecond) || TicksPerSecond < MinTicksPerSecond || TicksPerSecond > MaxTicksPerSecond)
        {
            errors.Add("TicksPerSecond: must be between 0.000001 and 1,000,000,000");
        }

        if (StartTimeNs < 0)
        {
            errors.Add("StartTimeNs: must not be negative");
        }

        if (Symbols is null || Symbols.Count == 0)
        {
            errors.Add("Symbols: at least one symbol is required");
            return errors;
        }

        var seen = new Dictionary<int, int>();
        for (int i = 0; i < Symbols.Count; i++)
        {
            string key = "Symbols[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            SyntheticSymbol? symbol = Symbols[i];
            if (symbol is null)
            {
                errors.Add(key + ": must not be null");
                continue;
            }

            ValidateSymbol(symbol, key, errors);
            if (symbol.SymbolId < 0)
            {
                errors.Add(key + ".SymbolId: must not be negative");
            }
            else if (!seen.TryAdd(symbol.SymbolId, i))
            {
                errors.Add(key + ".SymbolId: duplicate of Symbols[" + seen[symbol.SymbolId].ToString(CultureInfo.InvariantCulture) + "]");
            }
        }

        return errors;
    }

    private static void ValidateSymbol(SyntheticSymbol symbol, string key, List<string> errors)
    {
        decimal maxPrice = FixedPoint.ToDecimal(MaxPriceRaw);
        if (symbol.StartPrice <= 0 || symbol.StartPrice > maxPrice)
        {
            errors.Add(key + ".StartPrice: must be positive and at most " + maxPrice.ToString(CultureInfo.InvariantCulture));
        }

        if (symbol.TickSize <= 0 || symbol.TickSize > maxPrice || decimal.Truncate(symbol.TickSize * FixedPoint.Scale) != symbol.TickSize * FixedPoint.Scale)
        {
            errors.Add(key + ".TickSize: must be positive and a multiple of 0.000001");
        }

        if (!double.IsFinite(symbol.DriftAnnual))
        {
            errors.Add(key + ".DriftAnnual: must be a finite number");
        }

        if (!double.IsFinite(symbol.VolatilityAnnual) || symbol.VolatilityAnnual < 0)
        {
            errors.Add(key + ".VolatilityAnnual: must be finite and not negative");
        }

        if (symbol.SpreadBps is < 0 or > 10_000)
        {
            errors.Add(key + ".SpreadBps: must be between 0 and 10000");
        }

        if (symbol.MeanSize < 1)
        {
            errors.Add(key + ".MeanSize: must be at least 1");
        }

        if (symbol.LotSize < 1)
        {
            errors.Add(key + ".LotSize: must be at least 1");
        }
    }
}
