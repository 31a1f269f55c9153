using System.Numerics;
using System.Runtime.CompilerServices;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// xoshiro256** (Blackman and Vigna, 2018) seeded through splitmix64, plus standard normals by
/// Marsaglia's polar method with the spare cached. Our own code rather than
/// <see cref="Random"/>, whose algorithm may change between .NET versions: the integer stream
/// is bit-exact everywhere (a test pins it to the reference C implementation).
/// </summary>
/// <remarks>
/// Normals go through <see cref="Math.Log(double)"/> and <see cref="Math.Sqrt"/>; Sqrt is exact
/// IEEE-754, Log comes from the platform's maths library and could in principle differ in the
/// last bit between platforms. A mutable struct: keep it in a non-readonly field and call it in
/// place.
/// </remarks>
internal struct Xoshiro256StarStar
{
    private const double UnitScale = 1.0 / (1UL << 53);

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    public Xoshiro256StarStar(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            // The all-zero state is the generator's one fixed point; splitmix64 never yields it
            // in practice, but a state must not be able to get stuck.
            _s0 = 0x9E3779B97F4A7C15UL;
        }
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1), 53 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * UnitScale;

    /// <summary>Uniform on (0, 1], 53 bits: safe to take the logarithm of.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * UnitScale;

    /// <summary>Exponential with mean 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextExponential() => -Math.Log(NextDoubleNonZero());

    /// <summary>Standard normal: Marsaglia's polar method, every second call served from the cached spare.</summary>
    public double NextGaussian()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }

        double u;
        double v;
        double s;
        do
        {
            u = (2.0 * NextDouble()) - 1.0;
            v = (2.0 * NextDouble()) - 1.0;
            s = (u * u) + (v * v);
        }
        while (s >= 1.0 || s == 0.0);

        double factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareNormal = v * factor;
        _hasSpareNormal = true;
        return u * factor;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
