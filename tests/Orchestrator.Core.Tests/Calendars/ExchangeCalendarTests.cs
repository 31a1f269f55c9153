using Orchestrator.Core.Calendars;

namespace Orchestrator.Core.Tests.Calendars;

public sealed class ExchangeCalendarTests
{
    private static readonly ExchangeCalendar Krx = ExchangeCalendars.ForExchange("XKRX");
    private static readonly ExchangeCalendar Nyse = ExchangeCalendars.ForExchange("XNYS");

    private static long Ns(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    [Fact]
    public void ShippedCalendars_CoverEveryYear2024To2027_WithAVersion()
    {
        foreach (ExchangeCalendar calendar in new[] { Krx, Nyse })
        {
            Assert.False(string.IsNullOrWhiteSpace(calendar.Version));
            Assert.True(calendar.FirstYear <= 2024);
            Assert.True(calendar.LastYear >= 2027);
        }

        Assert.Same(Nyse, ExchangeCalendars.ForExchange("XNAS"));
        Assert.Equal("XKRX", Krx.Exchange);
        Assert.Equal("Asia/Seoul", Krx.Zone.Id);
        Assert.Equal("America/New_York", Nyse.Zone.Id);
    }

    /// <summary>The holidays every KRX year has: New Year, Seollal, Chuseok, Liberation Day, Christmas (or its substitute), the year-end closing.</summary>
    [Theory]
    [InlineData(2024, "2024-01-01", "2024-02-09", "2024-09-17", "2024-08-15", "2024-12-25", "2024-12-31")]
    [InlineData(2025, "2025-01-01", "2025-01-29", "2025-10-06", "2025-08-15", "2025-12-25", "2025-12-31")]
    [InlineData(2026, "2026-01-01", "2026-02-17", "2026-09-25", "2026-08-17", "2026-12-25", "2026-12-31")]
    [InlineData(2027, "2027-01-01", "2027-02-08", "2027-09-15", "2027-08-16", "2027-12-27", "2027-12-31")]
    public void Krx_EveryYear_HasItsKnownHolidays(int year, string newYear, string seollal, string chuseok, string liberation, string christmas, string yearEnd)
    {
        foreach (string date in new[] { newYear, seollal, chuseok, liberation, christmas, yearEnd })
        {
            DateOnly d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(year, d.Year);
            Assert.True(Krx.IsHoliday(d), date + " should be a KRX holiday");
            Assert.False(Krx.IsTradingDay(d));
            Assert.NotNull(Krx.DayName(d));
        }

        Assert.Contains(Krx.DayName(DateOnly.Parse(seollal, System.Globalization.CultureInfo.InvariantCulture))!, "Seollal", StringComparison.Ordinal);
        Assert.Contains(Krx.DayName(DateOnly.Parse(chuseok, System.Globalization.CultureInfo.InvariantCulture))!, "Chuseok", StringComparison.Ordinal);
    }

    /// <summary>NYSE every year: New Year, MLK, Presidents, Good Friday, Memorial, Juneteenth, Independence, Labor, Thanksgiving, Christmas (observed dates) and the Black Friday half day.</summary>
    [Theory]
    [InlineData(2024, "2024-03-29", "2024-11-28", "2024-11-29", "2024-12-25", "2024-07-04")]
    [InlineData(2025, "2025-04-18", "2025-11-27", "2025-11-28", "2025-12-25", "2025-07-04")]
    [InlineData(2026, "2026-04-03", "2026-11-26", "2026-11-27", "2026-12-25", "2026-07-03")]
    [InlineData(2027, "2027-03-26", "2027-11-25", "2027-11-26", "2027-12-24", "2027-07-05")]
    public void Nyse_EveryYear_HasGoodFridayThanksgivingChristmasAndTheBlackFridayHalfDay(int year, string goodFriday, string thanksgiving, string blackFriday, string christmas, string independence)
    {
        foreach (string date in new[] { goodFriday, thanksgiving, christmas, independence })
        {
            DateOnly d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(year, d.Year);
            Assert.True(Nyse.IsHoliday(d), date + " should be an NYSE holiday");
        }

        DateOnly half = DateOnly.Parse(blackFriday, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Nyse.IsTradingDay(half));
        Assert.True(Nyse.IsEarlyClose(half));
        Assert.True(Nyse.TryGetSession(half, out _, out long close));
        Assert.Equal(Ns(year, 11, half.Day, 18, 0), close); // 13:00 EST
        Assert.InRange(CountHolidays(Nyse, year), 10, 11); // the ten regular ones (2025: and a day of mourning)
    }

    [Theory]
    [InlineData("2024-07-03")]
    [InlineData("2024-12-24")]
    [InlineData("2025-07-03")]
    [InlineData("2025-12-24")]
    [InlineData("2026-12-24")]
    public void Nyse_JulyThirdAndChristmasEve_AreHalfDaysWhereTheyTrade(string date)
    {
        DateOnly d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Nyse.IsEarlyClose(d));
        Assert.False(Nyse.IsEarlyClose(d.AddDays(-7)));
    }

    [Fact]
    public void Nyse_CloseFollowsDaylightSaving_SixteenLocalIsTwentyOneUtcInWinterAndTwentyInSummer()
    {
        // 2024: DST began Sunday 10 March.
        Assert.True(Nyse.TryGetSession(new DateOnly(2024, 3, 8), out long openFri, out long closeFri));
        Assert.Equal(Ns(2024, 3, 8, 14, 30), openFri);
        Assert.Equal(Ns(2024, 3, 8, 21, 0), closeFri);
        Assert.True(Nyse.TryGetSession(new DateOnly(2024, 3, 11), out long openMon, out long closeMon));
        Assert.Equal(Ns(2024, 3, 11, 13, 30), openMon);
        Assert.Equal(Ns(2024, 3, 11, 20, 0), closeMon);
        Assert.Equal(SessionKind.PostMarket, Nyse.SessionAt(Ns(2024, 3, 11, 20, 30)));
        Assert.Equal(SessionKind.Regular, Nyse.SessionAt(Ns(2024, 3, 8, 20, 30)));
    }

    [Fact]
    public void Krx_SessionsInKst_WithLateOpenOnTheFirstDayAndTheCsatDay()
    {
        Assert.True(Krx.TryGetSession(new DateOnly(2024, 1, 3), out long open, out long close));
        Assert.Equal(Ns(2024, 1, 3, 0, 0), open);   // 09:00 KST
        Assert.Equal(Ns(2024, 1, 3, 6, 30), close); // 15:30 KST
        Assert.True(Krx.TryGetSession(new DateOnly(2024, 1, 2), out open, out _));
        Assert.Equal(Ns(2024, 1, 2, 1, 0), open);   // 10:00 KST
        Assert.True(Krx.TryGetSession(new DateOnly(2024, 11, 14), out _, out close));
        Assert.Equal(Ns(2024, 11, 14, 7, 30), close); // 16:30 KST
        Assert.Equal(new DateOnly(2024, 1, 3), Krx.LocalDate(Ns(2024, 1, 2, 15, 0))); // 00:00 KST on the 3rd
        Assert.Equal(SessionKind.PreMarket, Krx.SessionAt(Ns(2024, 1, 2, 23, 45)));
        Assert.Equal(SessionKind.Regular, Krx.SessionAt(Ns(2024, 1, 3, 0, 0)));
        Assert.Equal(SessionKind.PostMarket, Krx.SessionAt(Ns(2024, 1, 3, 6, 30)));
        Assert.Equal(SessionKind.Closed, Krx.SessionAt(Ns(2024, 1, 3, 9, 0))); // 18:00 KST
        Assert.Equal(SessionKind.Closed, Krx.SessionAt(Ns(2024, 2, 9, 2, 0)));  // Seollal
    }

    /// <summary>
    /// The CSAT (수능) day of every covered year opens at 10:00 and closes at 16:30 KST. The dates are the ones the
    /// Ministry of Education announced; 2027's (the 2028 school year's exam) is Thursday 18 Nov 2027, announced in
    /// 2025 and repeated in KCUE's 2028 admissions rules (28 Aug 2025).
    /// </summary>
    [Theory]
    [InlineData(2024, 11, 14)]
    [InlineData(2025, 11, 13)]
    [InlineData(2026, 11, 19)]
    [InlineData(2027, 11, 18)]
    public void Krx_CsatDay_OpensAtTenAndClosesAtFourThirty(int year, int month, int day)
    {
        Assert.True(Krx.TryGetSession(new DateOnly(year, month, day), out long open, out long close));
        Assert.Equal((Ns(year, month, day, 1, 0), Ns(year, month, day, 7, 30)), (open, close));
        Assert.Equal("College Scholastic Ability Test (opens and closes an hour late)", Krx.DayName(new DateOnly(year, month, day)));
    }

    [Fact]
    public void LocalDay_RunsFromLocalMidnightToLocalMidnight_AcrossDaylightSaving()
    {
        Krx.LocalDayNs(Ns(2024, 2, 7, 23, 45), out long start, out long end); // 08:45 KST on the 8th
        Assert.Equal((Ns(2024, 2, 7, 15, 0), Ns(2024, 2, 8, 15, 0)), (start, end));
        Nyse.LocalDayNs(Ns(2024, 3, 10, 12, 0), out start, out end); // Sunday 10 March 2024: 23 hours in New York
        Assert.Equal((Ns(2024, 3, 10, 5, 0), Ns(2024, 3, 11, 4, 0)), (start, end));
        Nyse.LocalDayNs(Ns(2028, 1, 3, 12, 0), out start, out end); // beyond the data's years: through the zone
        Assert.Equal((Ns(2028, 1, 3, 5, 0), Ns(2028, 1, 4, 5, 0)), (start, end));
    }

    [Fact]
    public void NextOpenAndSessionClose_SkipWeekendsAndHolidays()
    {
        // Friday 8 Feb 2024 after the close: Seollal Fri 9 and Mon 12, so the next open is Tue 13 Feb.
        long afterClose = Ns(2024, 2, 8, 7, 0);
        Assert.Equal(Ns(2024, 2, 13, 0, 0), Krx.NextOpenNs(afterClose));
        Assert.Equal(Ns(2024, 2, 13, 6, 30), Krx.SessionCloseNs(afterClose));
        Assert.Equal(Ns(2024, 2, 8, 6, 30), Krx.SessionCloseNs(Ns(2024, 2, 8, 3, 0)));
        // Wednesday 27 Nov 2024 evening (ET): Thanksgiving, so the next session is the Black Friday half day.
        Assert.Equal(Ns(2024, 11, 29, 18, 0), Nyse.SessionCloseNs(Ns(2024, 11, 28, 1, 0)));
        Assert.Equal(long.MaxValue, Nyse.NextOpenNs(Ns(2028, 1, 3, 15, 0)));
        Assert.Equal(SessionKind.Closed, Nyse.SessionAt(Ns(2023, 6, 1, 15, 0)));
    }

    [Fact]
    public void SessionQueries_AllocateNothing()
    {
        long ts = Ns(2025, 6, 2, 15, 0);
        _ = (long)Nyse.SessionAt(ts) + Nyse.SessionCloseNs(ts) + Krx.NextOpenNs(ts);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            sum += (long)Nyse.SessionAt(ts + i) + Nyse.SessionCloseNs(ts + i) + Krx.NextOpenNs(ts + i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);
    }

    [Theory]
    [InlineData("version 1\nexchange X\nzone UTC\nyears 2024 2024\nregular 09:00 15:30\nholiday 2024-01-06 Saturday\n", "t.calendar:6: holiday: 2024-01-06 is a Saturday")]
    [InlineData("version 1\nexchange X\nzone UTC\nyears 2024 2024\nregular 09:00 15:30\nholiday 2025-01-01 Next year\n", "t.calendar:6: holiday: 2025-01-01 is outside the years 2024-2024")]
    [InlineData("version 1\nexchange X\nzone Nowhere/Atlantis\n", "t.calendar:3: zone: time zone 'Nowhere/Atlantis' is not available")]
    [InlineData("exchange X\nzone UTC\nyears 2024 2024\nregular 09:00 15:30\n", "t.calendar: version: missing")]
    [InlineData("version 1\nexchange X\nzone UTC\nyears 2024 2024\nregular 9 15:30\n", "t.calendar:5: regular: '9' is not a time HH:MM")]
    [InlineData("version 1\nexchange X\nzone UTC\nyears 2024 2024\nregular 09:00 15:30\nhours 2024-01-02 13:00 10:00 Backwards\n", "t.calendar:6: hours: the open must come before the close")]
    public void Parse_BadData_NamesTheLineAndReason(string text, string expected)
    {
        FormatException ex = Assert.Throws<FormatException>(() => ExchangeCalendar.Parse(text, "t.calendar"));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    private static int CountHolidays(ExchangeCalendar calendar, int year)
    {
        int count = 0;
        for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1))
        {
            count += calendar.IsHoliday(d) ? 1 : 0;
        }

        return count;
    }
}
