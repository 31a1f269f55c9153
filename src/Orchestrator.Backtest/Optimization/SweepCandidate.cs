namespace Orchestrator.Backtest.Optimization;

/// <summary>One set of parameter values to backtest.</summary>
/// <param name="Index">Its place in the sweep (0, 1, …), the same on every machine: shards split by it, ties in the ranking break by it.</param>
/// <param name="Values">One value per <see cref="SweepDefinition.Parameters"/>, in their order.</param>
public sealed record SweepCandidate(int Index, IReadOnlyList<decimal> Values);

/// <summary>The candidates of a sweep: the whole grid, or a seeded random sample of it.</summary>
public static class SweepCandidates
{
    /// <summary>Largest grid a sweep may span (a random search samples from it).</summary>
    public const long MaxGrid = 10_000_000;

    /// <summary>The number of points of the grid of <paramref name="parameters"/>; more than <see cref="MaxGrid"/> is capped at <see cref="MaxGrid"/> + 1.</summary>
    public static long GridSize(IReadOnlyList<ParameterRange> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        long size = 1;
        foreach (ParameterRange p in parameters)
        {
            size = Math.Min(size * p.Values.Count, MaxGrid + 1);
        }

        return size;
    }

    /// <summary>Every point of the grid; the first parameter varies slowest, the last fastest.</summary>
    public static IReadOnlyList<SweepCandidate> Grid(IReadOnlyList<ParameterRange> parameters)
    {
        long size = GridSize(parameters);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxGrid, nameof(parameters));
        var candidates = new SweepCandidate[size];
        for (int i = 0; i < size; i++)
        {
            candidates[i] = new SweepCandidate(i, Point(parameters, i));
        }

        return candidates;
    }

    /// <summary>
    /// <paramref name="samples"/> distinct points of the grid drawn with <see cref="Random"/> seeded
    /// by <paramref name="seed"/> (the same seed gives the same points on every machine), indexed in
    /// the order drawn; the whole grid when it has no more points than that.
    /// </summary>
    public static IReadOnlyList<SweepCandidate> Random(IReadOnlyList<ParameterRange> parameters, int samples, int seed)
    {
        long size = GridSize(parameters);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxGrid, nameof(parameters));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (samples >= size)
        {
            return Grid(parameters);
        }

        var random = new Random(seed); // the seeded legacy generator: the same sequence on every runtime
        var drawn = new HashSet<long>();
        var candidates = new List<SweepCandidate>(samples);
        while (candidates.Count < samples)
        {
            long point = random.NextInt64(size);
            if (drawn.Add(point))
            {
                candidates.Add(new SweepCandidate(candidates.Count, Point(parameters, point)));
            }
        }

        return candidates;
    }

    private static decimal[] Point(IReadOnlyList<ParameterRange> parameters, long index)
    {
        var values = new decimal[parameters.Count];
        for (int p = parameters.Count - 1; p >= 0; p--)
        {
            int count = parameters[p].Values.Count;
            values[p] = parameters[p].Values[(int)(index % count)];
            index /= count;
        }

        return values;
    }
}
