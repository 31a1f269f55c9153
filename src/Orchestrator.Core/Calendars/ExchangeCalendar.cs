using System.Globalization;

namespace Orchestrator.Core.Calendars;

/// <summary>
/// One exchange's trading calendar for the years its shipped data covers: which local dates trade,
/// the regular session of each (early closes and late opens included), the pre- and post-market
/// around it, and the exchange's time zone with its daylight-saving changes. All times are event
/// time: nanoseconds since the Unix epoch, UTC. Built once (<see cref="ExchangeCalendars"/>), then
/// read-only and safe to share between threads.
/// </summary>
/// <remarks>
/// <para>Every day of the covered years is pre-computed at construction (local midnight, pre-market
/// start, open, close, post-market end, in UTC ns, through <see cref="TimeZoneInfo"/>), so the
/// per-event queries (<see cref="SessionAt"/>, <see cref="SessionCloseNs"/>, <see cref="NextOpenNs"/>)
/// are an array look-up: no allocation, no clock, no exception.</para>
/// <para>A moment outside the covered years is <see cref="SessionKind.Closed"/> and has no session:
/// the calendar does not guess (a new data version extends it).</para>
/// <para>Data format (one item a line, <c>#</c> starts a comment): <c>version V</c>, <c>exchange MIC</c>,
/// <c>zone IANA-ID</c>, <c>years FIRST LAST</c>, <c>regular HH:MM HH:MM</c> (open, close, local),
/// <c>pre HH:MM</c> and <c>post HH:MM</c> (how long the pre-market runs before the open and the
/// post-market after the close), then per date <c>holiday YYYY-MM-DD NAME</c> or
/// <c>hours YYYY-MM-DD HH:MM HH:MM NAME</c> (a trading day with other regular hours: an early close or a
/// late open). Saturdays and Sundays never trade.</para>
/// </remarks>
public sealed class ExchangeCalendar
{
    private const long NsPerTick = 100;

    private readonly DateOnly _firstDate;
    private readonly long[] _midnightNs; // local midnight of each covered date, in UTC ns; one more entry: the end of the last date
    private readonly long[] _preNs;      // pre-market start; 0 = no trading that date
    private readonly long[] _openNs;
    private readonly long[] _closeNs;
    private readonly long[] _postNs;     // post-market end
    private readonly Dictionary<DateOnly, string> _names;
    private readonly HashSet<DateOnly> _holidays;
    private readonly TimeOnly _regularClose;

    private ExchangeCalendar(string version, string exchange, TimeZoneInfo zone, int firstYear, int lastYear, TimeOnly regularOpen, TimeOnly regularClose, TimeSpan pre, TimeSpan post, Dictionary<DateOnly, string> holidays, Dictionary<DateOnly, (TimeOnly Open, TimeOnly Close, string Name)> hours)
    {
        Version = version;
        Exchange = exchange;
        Zone = zone;
        FirstYear = firstYear;
        LastYear = lastYear;
        _regularClose = regularClose;
        _firstDate = new DateOnly(firstYear, 1, 1);
        int days = new DateOnly(lastYear, 12, 31).DayNumber - _firstDate.DayNumber + 1;
        _midnightNs = new long[days + 1];
        _preNs = new long[days];
        _openNs = new long[days];
        _closeNs = new long[days];
        _postNs = new long[days];
        _names = new Dictionary<DateOnly, string>(holidays);
        _holidays = [.. holidays.Keys];
        for (int i = 0; i <= days; i++)
        {
            DateOnly date = _firstDate.AddDays(i);
            _midnightNs[i] = ToUtcNs(date, TimeOnly.MinValue);
            if (i == days || holidays.ContainsKey(date) || date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            (TimeOnly open, TimeOnly close) = (regularOpen, regularClose);
            if (hours.TryGetValue(date, out var special))
            {
                (open, close) = (special.Open, special.Close);
                _names[date] = special.Name;
            }

            _openNs[i] = ToUtcNs(date, open);
            _closeNs[i] = ToUtcNs(date, close);
            _preNs[i] = _openNs[i] - (pre.Ticks * NsPerTick);
            _postNs[i] = _closeNs[i] + (post.Ticks * NsPerTick);
        }
    }

    /// <summary>The data's version line (which edition of the holiday lists is in force).</summary>
    public string Version { get; }

    /// <summary>ISO 10383 MIC of the exchange ("XKRX", "XNYS").</summary>
    public string Exchange { get; }

    /// <summary>The exchange's time zone; its trading day is a local date in this zone.</summary>
    public TimeZoneInfo Zone { get; }

    public int FirstYear { get; }

    public int LastYear { get; }

    /// <summary>Whether <paramref name="tsNs"/> falls in a covered year (local time).</summary>
    public bool Covers(long tsNs) => tsNs >= _midnightNs[0] && tsNs < _midnightNs[^1];

    /// <summary>The local date of <paramref name="tsNs"/> in the exchange's zone (its trading day when it trades).</summary>
    public DateOnly LocalDate(long tsNs)
    {
        int i = IndexOf(tsNs);
        return i >= 0 ? _firstDate.AddDays(i) : DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddTicks(tsNs / NsPerTick), Zone));
    }

    /// <summary>
    /// The local day (midnight to midnight in the exchange's zone, in UTC ns) that <paramref name="tsNs"/> falls in:
    /// the trading day daily counters roll at. An array look-up in the covered years; outside them it is computed
    /// through the zone (rare: once a day at most for a caller that keeps the bounds).
    /// </summary>
    public void LocalDayNs(long tsNs, out long startNs, out long endNs)
    {
        int i = IndexOf(tsNs);
        if (i >= 0)
        {
            (startNs, endNs) = (_midnightNs[i], _midnightNs[i + 1]);
            return;
        }

        DateOnly date = LocalDate(tsNs);
        (startNs, endNs) = (ToUtcNs(date, TimeOnly.MinValue), ToUtcNs(date.AddDays(1), TimeOnly.MinValue));
    }

    /// <summary>Which part of the exchange's day <paramref name="tsNs"/> is in; no allocation.</summary>
    public SessionKind SessionAt(long tsNs)
    {
        int i = IndexOf(tsNs);
        if (i < 0 || _openNs[i] == 0)
        {
            return SessionKind.Closed;
        }

        return tsNs < _preNs[i] ? SessionKind.Closed
            : tsNs < _openNs[i] ? SessionKind.PreMarket
            : tsNs < _closeNs[i] ? SessionKind.Regular
            : tsNs < _postNs[i] ? SessionKind.PostMarket
            : SessionKind.Closed;
    }

    /// <summary>
    /// The regular close of the session open at <paramref name="tsNs"/>, or of the next one to open after it
    /// (the close a Day order placed now expires at); <see cref="long.MaxValue"/> when no covered session follows.
    /// </summary>
    public long SessionCloseNs(long tsNs)
    {
        int i = NextSessionIndex(tsNs, byClose: true);
        return i < 0 ? long.MaxValue : _closeNs[i];
    }

    /// <summary>The first regular open at or after <paramref name="tsNs"/>; <see cref="long.MaxValue"/> when none is covered.</summary>
    public long NextOpenNs(long tsNs)
    {
        int i = NextSessionIndex(tsNs, byClose: false);
        return i < 0 ? long.MaxValue : _openNs[i];
    }

    /// <summary>Whether <paramref name="date"/> (local) has a regular session.</summary>
    public bool IsTradingDay(DateOnly date) => TryGetSession(date, out _, out _);

    /// <summary>Whether <paramref name="date"/> trades but closes before the regular close (a half day).</summary>
    public bool IsEarlyClose(DateOnly date) =>
        TryGetSession(date, out _, out long closeNs) && closeNs < ToUtcNs(date, _regularClose);

    /// <summary>Whether <paramref name="date"/> is a listed holiday (weekends are not listed).</summary>
    public bool IsHoliday(DateOnly date) => _holidays.Contains(date);

    /// <summary>The name the data gives <paramref name="date"/> (a holiday or a day with other hours); null for an ordinary day.</summary>
    public string? DayName(DateOnly date) => _names.GetValueOrDefault(date);

    /// <summary>The regular session of a local date, in UTC ns; false on a closed day or outside the covered years.</summary>
    public bool TryGetSession(DateOnly date, out long openNs, out long closeNs)
    {
        int i = date.DayNumber - _firstDate.DayNumber;
        if ((uint)i >= (uint)_openNs.Length || _openNs[i] == 0)
        {
            (openNs, closeNs) = (0, 0);
            return false;
        }

        (openNs, closeNs) = (_openNs[i], _closeNs[i]);
        return true;
    }

    /// <summary>Reads a calendar from its data text; throws <see cref="FormatException"/> naming the source, line and reason.</summary>
    public static ExchangeCalendar Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? version = null, exchange = null;
        TimeZoneInfo? zone = null;
        int firstYear = 0, lastYear = 0;
        TimeOnly? open = null, close = null;
        TimeSpan pre = TimeSpan.Zero, post = TimeSpan.Zero;
        var holidays = new Dictionary<DateOnly, string>();
        var hours = new Dictionary<DateOnly, (TimeOnly, TimeOnly, string)>();
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            string rest = parts.Length > 1 ? parts[1] : string.Empty;
            string where = source + ":" + (n + 1).ToString(CultureInfo.InvariantCulture);
            switch (parts[0])
            {
                case "version":
                    version = Required(rest, where, "version");
                    break;
                case "exchange":
                    exchange = Required(rest, where, "exchange");
                    break;
                case "zone":
                    zone = FindZone(Required(rest, where, "zone"), where);
                    break;
                case "years":
                    string[] years = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (years.Length != 2 || !int.TryParse(years[0], CultureInfo.InvariantCulture, out firstYear) || !int.TryParse(years[1], CultureInfo.InvariantCulture, out lastYear) || firstYear < 1971 || lastYear < firstYear)
                    {
                        throw new FormatException(where + ": years: expected FIRST LAST (e.g. 2024 2027), was '" + rest + "'");
                    }

                    break;
                case "regular":
                    string[] session = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (session.Length != 2)
                    {
                        throw new FormatException(where + ": regular: expected OPEN CLOSE (HH:MM HH:MM), was '" + rest + "'");
                    }

                    (open, close) = (Time(session[0], where, "regular"), Time(session[1], where, "regular"));
                    break;
                case "pre":
                    pre = Time(rest, where, "pre").ToTimeSpan();
                    break;
                case "post":
                    post = Time(rest, where, "post").ToTimeSpan();
                    break;
                case "holiday":
                case "hours":
                    AddDay(parts[0], rest, where, firstYear, lastYear, holidays, hours);
                    break;
                default:
                    throw new FormatException(where + ": unknown item '" + parts[0] + "' (expected version, exchange, zone, years, regular, pre, post, holiday or hours)");
            }
        }

        string missing = version is null ? "version" : exchange is null ? "exchange" : zone is null ? "zone" : firstYear == 0 ? "years" : open is null ? "regular" : string.Empty;
        if (missing.Length > 0)
        {
            throw new FormatException(source + ": " + missing + ": missing");
        }

        if (open >= close)
        {
            throw new FormatException(source + ": regular: the open must come before the close");
        }

        return new ExchangeCalendar(version!, exchange!, zone!, firstYear, lastYear, open!.Value, close!.Value, pre, post, holidays, hours);
    }

    private static void AddDay(string kind, string rest, string where, int firstYear, int lastYear, Dictionary<DateOnly, string> holidays, Dictionary<DateOnly, (TimeOnly, TimeOnly, string)> hours)
    {
        if (firstYear == 0)
        {
            throw new FormatException(where + ": " + kind + ": the years line must come first");
        }

        string[] fields = rest.Split(' ', kind == "holiday" ? 2 : 4, StringSplitOptions.TrimEntries);
        int nameAt = kind == "holiday" ? 1 : 3;
        if (fields.Length <= nameAt || fields[nameAt].Length == 0
            || !DateOnly.TryParseExact(fields[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            throw new FormatException(where + ": " + kind + ": expected " + (kind == "holiday" ? "YYYY-MM-DD NAME" : "YYYY-MM-DD OPEN CLOSE NAME") + ", was '" + rest + "'");
        }

        if (date.Year < firstYear || date.Year > lastYear)
        {
            throw new FormatException(where + ": " + kind + ": " + fields[0] + " is outside the years " + firstYear.ToString(CultureInfo.InvariantCulture) + "-" + lastYear.ToString(CultureInfo.InvariantCulture));
        }

        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            throw new FormatException(where + ": " + kind + ": " + fields[0] + " is a " + date.DayOfWeek + " (weekends never trade; a typo?)");
        }

        if (holidays.ContainsKey(date) || hours.ContainsKey(date))
        {
            throw new FormatException(where + ": " + kind + ": " + fields[0] + " is listed twice");
        }

        if (kind == "holiday")
        {
            holidays[date] = fields[1];
            return;
        }

        TimeOnly open = Time(fields[1], where, kind), close = Time(fields[2], where, kind);
        if (open >= close)
        {
            throw new FormatException(where + ": hours: the open must come before the close");
        }

        hours[date] = (open, close, fields[3]);
    }

    private static string Required(string value, string where, string key) =>
        value.Length > 0 ? value : throw new FormatException(where + ": " + key + ": needs a value");

    private static TimeOnly Time(string value, string where, string key) =>
        TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly time)
            ? time
            : throw new FormatException(where + ": " + key + ": '" + value + "' is not a time HH:MM");

    private static TimeZoneInfo FindZone(string id, string where)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FormatException(where + ": zone: time zone '" + id + "' is not available on this machine (install the tzdata package)", ex);
        }
    }

    private long ToUtcNs(DateOnly date, TimeOnly time) =>
        (TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(time, DateTimeKind.Unspecified), Zone).Ticks - DateTime.UnixEpoch.Ticks) * NsPerTick;

    /// <summary>The covered date <paramref name="tsNs"/> falls on (local), or -1.</summary>
    private int IndexOf(long tsNs)
    {
        if (!Covers(tsNs))
        {
            return -1;
        }

        long guess = (tsNs - _midnightNs[0]) / 86_400_000_000_000;
        int i = (int)Math.Min(guess, _openNs.Length - 1);
        while (tsNs < _midnightNs[i])
        {
            i--;
        }

        while (tsNs >= _midnightNs[i + 1])
        {
            i++;
        }

        return i;
    }

    /// <summary>The first trading date whose close (or open) is after (at or after) <paramref name="tsNs"/>, or -1.</summary>
    private int NextSessionIndex(long tsNs, bool byClose)
    {
        int i = tsNs < _midnightNs[0] ? 0 : IndexOf(tsNs);
        if (i < 0)
        {
            return -1;
        }

        for (; i < _openNs.Length; i++)
        {
            if (_openNs[i] != 0 && (byClose ? _closeNs[i] > tsNs : _openNs[i] >= tsNs))
            {
                return i;
            }
        }

        return -1;
    }
}
