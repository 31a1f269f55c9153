using System.Globalization;
using System.Runtime.CompilerServices;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// Parses file timestamps to ns since the Unix epoch, exactly (nine fractional digits survive,
/// which <see cref="DateTimeOffset"/> would cut to 100 ns) and without allocating.
/// </summary>
public static class MarketDataTimestamp
{
    private const long NsPerSecond = 1_000_000_000;
    private const long NsPerTick = 100;

    // Leaves room for a second of fraction and a day of offset without overflowing (year 2262).
    private const long MaxTicksSinceEpoch = (long.MaxValue - (2 * 86_400 * NsPerSecond)) / NsPerTick;

    /// <summary>Below this an epoch integer is seconds (10^11 s is the year 5138).</summary>
    public const long MaxEpochSeconds = 100_000_000_000;

    /// <summary>Below this (and from <see cref="MaxEpochSeconds"/>) an epoch integer is milliseconds.</summary>
    public const long MaxEpochMilliseconds = 100_000_000_000_000;

    /// <summary>Below this (and from <see cref="MaxEpochMilliseconds"/>) an epoch integer is microseconds; from it, nanoseconds.</summary>
    public const long MaxEpochMicroseconds = 100_000_000_000_000_000;

    /// <summary>
    /// An integer since the Unix epoch, its unit told by its magnitude (issue 20: seconds were read
    /// as nanoseconds): below 10^11 seconds, below 10^14 milliseconds, below 10^17 microseconds,
    /// otherwise nanoseconds; unambiguous for times from 1973-03-03 on (before it, a smaller unit's
    /// figure looks like a larger unit's). Times past 2262-04-11 do not fit ns in a long and are
    /// refused. Or ISO-8601 <c>yyyy-MM-dd[(T| )HH:mm[:ss[.f…]]][Z|±HH[:]mm|±HH]</c>; without an
    /// offset the time is UTC.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    public static bool TryParseNs(ReadOnlySpan<char> text, out long ns)
    {
        ns = 0;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        if (text.Length <= MaxPlainDigits && TryPlainDigits(text, out ulong plain))
        {
            // At most 19 digits fit a ulong; long.TryParse would refuse what exceeds long.MaxValue.
            return plain <= long.MaxValue && TryEpochToNs((long)plain, out ns);
        }

        if (IsAllDigits(text))
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long epoch) && TryEpochToNs(epoch, out ns);
        }

        return TryParseIso(text, out ns);
    }

    /// <summary>A non-negative epoch integer in the unit its magnitude tells (see <see cref="TryParseNs"/>) → ns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the per-line parser, optimized from its first call
    public static bool TryEpochToNs(long epoch, out long ns)
    {
        long perUnit = epoch < MaxEpochSeconds ? NsPerSecond : epoch < MaxEpochMilliseconds ? 1_000_000 : epoch < MaxEpochMicroseconds ? 1_000 : 1;
        ns = 0;
        if (epoch < 0 || epoch > long.MaxValue / perUnit)
        {
            return false;
        }

        ns = epoch * perUnit;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private static bool TryParseIso(ReadOnlySpan<char> s, out long ns)
    {
        ns = 0;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-'
            || !TryDigits(s, 0, 4, out int year) || !TryDigits(s, 5, 2, out int month) || !TryDigits(s, 8, 2, out int day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int hour = 0;
        int minute = 0;
        int second = 0;
        long fractionNs = 0;
        int pos = 10;
        if (pos < s.Length && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' '))
        {
            if (s.Length < pos + 6 || s[pos + 3] != ':' || !TryDigits(s, pos + 1, 2, out hour) || !TryDigits(s, pos + 4, 2, out minute)
                || hour > 23 || minute > 59)
            {
                return false;
            }

            pos += 6;
            if (pos < s.Length && s[pos] == ':')
            {
                if (!TryDigits(s, pos + 1, 2, out second) || second > 59)
                {
                    return false;
                }

                pos += 3;
                if (pos < s.Length && (s[pos] == '.' || s[pos] == ','))
                {
                    pos++;
                    int digits = 0;
                    long scale = NsPerSecond;
                    while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                    {
                        if (digits < 9)
                        {
                            scale /= 10;
                            fractionNs += (s[pos] - '0') * scale;
                        }

                        digits++;
                        pos++;
                    }

                    if (digits == 0)
                    {
                        return false;
                    }
                }
            }
        }

        long offsetSeconds = 0;
        if (pos < s.Length)
        {
            ReadOnlySpan<char> zone = s[pos..];
            if (zone is "Z" or "z")
            {
                pos = s.Length;
            }
            else if (zone[0] is '+' or '-')
            {
                int sign = zone[0] == '+' ? 1 : -1;
                int offsetMinutes = 0;
                if (!TryDigits(zone, 1, 2, out int offsetHours))
                {
                    return false;
                }

                if (zone.Length == 6 && zone[3] == ':')
                {
                    if (!TryDigits(zone, 4, 2, out offsetMinutes))
                    {
                        return false;
                    }
                }
                else if (zone.Length == 5)
                {
                    if (!TryDigits(zone, 3, 2, out offsetMinutes))
                    {
                        return false;
                    }
                }
                else if (zone.Length != 3)
                {
                    return false;
                }

                if (offsetHours > 23 || offsetMinutes > 59)
                {
                    return false;
                }

                offsetSeconds = sign * ((offsetHours * 3600L) + (offsetMinutes * 60L));
                pos = s.Length;
            }
            else
            {
                return false;
            }
        }

        long ticks = ((DaysSinceEpoch(year, month, day) * 86_400L) + (hour * 3600L) + (minute * 60L) + second) * TimeSpan.TicksPerSecond;
        if (ticks < 0 || ticks > MaxTicksSinceEpoch)
        {
            return false;
        }

        long result = (ticks * NsPerTick) + fractionNs - (offsetSeconds * NsPerSecond);
        if (result < 0)
        {
            return false;
        }

        ns = result;
        return true;
    }

    /// <summary>
    /// Days from 1970-01-01 to a valid proleptic Gregorian date (what <see cref="DateTime"/> counts),
    /// by arithmetic rather than a <see cref="DateTime"/> per line (H. Hinnant's days_from_civil).
    /// </summary>
    internal static long DaysSinceEpoch(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yearOfEra = y - (era * 400);
        long dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        long dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097) + dayOfEra - 719_468;
    }

    private const int MaxPlainDigits = 19; // 10^19 - 1 < ulong.MaxValue: no overflow below 20 digits

    /// <summary>All digits (the usual epoch timestamp): their value, in the same pass as the check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the per-line parser, optimized from its first call
    private static bool TryPlainDigits(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        foreach (char c in s)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                value = 0;
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            char c = s[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
