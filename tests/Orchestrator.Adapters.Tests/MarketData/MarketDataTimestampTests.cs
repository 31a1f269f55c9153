using Orchestrator.Adapters.MarketData;

namespace Orchestrator.Adapters.Tests.MarketData;

public sealed class MarketDataTimestampTests
{
    private const long Open = 1_735_828_200_000_000_000; // 2025-01-02T14:30:00Z

    [Theory]
    [InlineData("2025-01-02T14:30:00Z", Open)]
    [InlineData("2025-01-02T14:30:00", Open)]
    [InlineData("2025-01-02 14:30:00", Open)]
    [InlineData("2025-01-02T14:30Z", Open)]
    [InlineData("2025-01-02T23:30:00+09:00", Open)]
    [InlineData("2025-01-02T09:30:00-0500", Open)]
    [InlineData("2025-01-02T14:30:00.123456789Z", Open + 123_456_789)]
    [InlineData("2025-01-02T14:30:00.5Z", Open + 500_000_000)]
    [InlineData("2025-01-02", Open - (52_200L * 1_000_000_000))]
    [InlineData("1735828200000000000", Open)]
    [InlineData(" 1735828200000000001 ", Open + 1)]
    [InlineData("1735828200", Open)]
    [InlineData("1735828200123", Open + 123_000_000)]
    [InlineData("1735828200123456", Open + 123_456_000)]
    [InlineData("1735828200123456789", Open + 123_456_789)]
    [InlineData("0", 0)]
    [InlineData("100000000000", 100_000_000_000_000_000)] // 10^11: the first milliseconds figure (1973-03-03)
    [InlineData("100000000000000000", 100_000_000_000_000_000)] // 10^17: the first nanoseconds figure, the same moment
    [InlineData("9223372036854775807", long.MaxValue)] // 19 digits, the largest: the one-pass digit parser's edge
    [InlineData("00000000001735828200000000000", Open)] // more than 19 digits with leading zeros: long.TryParse's path
    public void TryParseNs_AcceptsIsoAndEpochNanoseconds(string text, long expected)
    {
        Assert.True(MarketDataTimestamp.TryParseNs(text, out long ns));
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2025-13-02T14:30:00Z")]
    [InlineData("2025-02-30")]
    [InlineData("2025-01-02T24:00:00Z")]
    [InlineData("2025-01-02T14:30:00Q")]
    [InlineData("2025-01-02T14:30:00.Z")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    [InlineData("9223372036854775808")] // long.MaxValue + 1: 19 digits that fit a ulong, not a long
    [InlineData("9999999999999999999")]
    [InlineData("1735828200000000000١")] // a non-ASCII digit
    [InlineData("9300000000")] // seconds past 2262-04-11 do not fit ns
    [InlineData("99999999999")]
    public void TryParseNs_RejectsAnythingElse(string text)
    {
        Assert.False(MarketDataTimestamp.TryParseNs(text, out _));
    }

    [Fact]
    public void DaysSinceEpoch_CountsAsDateTimeDoes_OnRandomDates()
    {
        var random = new Random(20);
        for (int i = 0; i < 100_000; i++)
        {
            int year = i % 10 == 0 ? random.Next(1, 10_000) : random.Next(1960, 2100);
            int month = random.Next(1, 13);
            int day = random.Next(1, DateTime.DaysInMonth(year, month) + 1);
            long expected = (new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Days;
            Assert.Equal(expected, MarketDataTimestamp.DaysSinceEpoch(year, month, day));
        }
    }
}
