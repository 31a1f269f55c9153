using System.Globalization;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Backtest.Tests;

/// <summary>
/// The report's, the CSV's and the orders log's text forms, written straight into UTF-8 spans, are
/// byte for byte what the format strings they were first written with give (the reference forms
/// below), on edge values and on many random ones, and the bytes of a few edge values are pinned.
/// </summary>
public sealed class ReportFormatTests
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // The reference forms: the report's formatting before it wrote spans.
    private static string ReferenceDecimal(decimal value) =>
        value == 0m ? "0" : value.ToString("0.############################", Invariant);

    // What Utf8JsonWriter.WriteNumber(decimal) writes.
    private static string ReferenceGeneral(decimal value)
    {
        using var stream = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(stream))
        {
            json.WriteNumberValue(value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string ReferenceDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            return string.Empty;
        }

        double rounded = double.Parse(value.ToString("G10", Invariant), Invariant);
        return (rounded == 0 ? 0 : rounded).ToString("R", Invariant);
    }

    private static string ReferenceTimestamp(long tsNs)
    {
        long seconds = Math.DivRem(tsNs, 1_000_000_000, out long fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000;
        }

        string whole = DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", Invariant);
        return fraction == 0 ? whole + "Z" : whole + "." + fraction.ToString("D9", Invariant).TrimEnd('0') + "Z";
    }

    private static string Span(Func<byte[], int> write)
    {
        byte[] buffer = new byte[ReportFormat.MaxLength];
        return Encoding.UTF8.GetString(buffer, 0, write(buffer));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0.000", "0")]
    [InlineData("0.000", "0")]
    [InlineData("1234.5000", "1234.5")]
    [InlineData("-1234.5000", "-1234.5")]
    [InlineData("100", "100")]
    [InlineData("100.00", "100")]
    [InlineData("-0.000001", "-0.000001")]
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    [InlineData("-0.0000000000000000000000000001", "-0.0000000000000000000000000001")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("-79228162514264337593543950335", "-79228162514264337593543950335")]
    [InlineData("7.9228162514264337593543950335", "7.9228162514264337593543950335")]
    [InlineData("1.2345678901234567890123456789", "1.2345678901234567890123456789")]
    [InlineData("0.1000000000000000000000000000", "0.1")]
    [InlineData("123456789.123456", "123456789.123456")]
    public void Decimal_EdgeValues_ArePinnedAndTheReferenceForm(string value, string expected)
    {
        decimal d = decimal.Parse(value, NumberStyles.Float, Invariant);

        Assert.Equal(expected, ReferenceDecimal(d));
        Assert.Equal(expected, ReportFormat.Decimal(d));
        Assert.Equal(expected, Span(b => ReportFormat.WriteDecimal(d, b)));
    }

    [Fact]
    public void Decimal_RandomValuesOfEveryScale_AreTheReferenceForm()
    {
        var random = new Random(20);
        for (int i = 0; i < 200_000; i++)
        {
            int lo = random.Next(int.MinValue, int.MaxValue);
            int mid = i % 3 == 0 ? 0 : random.Next(int.MinValue, int.MaxValue);
            int hi = i % 2 == 0 ? 0 : random.Next(int.MinValue, int.MaxValue);
            var d = new decimal(lo, mid, hi, random.Next(2) == 0, (byte)random.Next(29));

            Assert.Equal(ReferenceDecimal(d), Span(b => ReportFormat.WriteDecimal(d, b)));
            Assert.Equal(ReferenceGeneral(d), Span(b => ReportFormat.WriteGeneral(d, b)));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.00")]
    [InlineData("-0.00")]
    [InlineData("1.50")]
    [InlineData("-1.50")]
    [InlineData("100")]
    [InlineData("0.0000000000000000000000000001")]
    [InlineData("18446744073709551615")]
    [InlineData("18446744073709551616")]
    [InlineData("-79228162514264337593543950335")]
    public void General_EdgeValues_AreWhatTheJsonWriterWrites(string value)
    {
        decimal d = decimal.Parse(value, NumberStyles.Float, Invariant);

        Assert.Equal(ReferenceGeneral(d), Span(b => ReportFormat.WriteGeneral(d, b)));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1L, "0.000001")]
    [InlineData(-1L, "-0.000001")]
    [InlineData(1_000_000L, "1")]
    [InlineData(-1_000_000L, "-1")]
    [InlineData(1_500_000L, "1.5")]
    [InlineData(-123_456_789L, "-123.456789")]
    [InlineData(100_000_010L, "100.00001")]
    [InlineData(long.MaxValue, "9223372036854.775807")]
    [InlineData(long.MinValue, "-9223372036854.775808")]
    [InlineData(-9_000_000_000_000_000_000L, "-9000000000000")]
    public void FixedPoint_EdgeValues_ArePinnedAndWhatTheDecimalGives(long raw, string expected)
    {
        Assert.Equal(expected, ReferenceDecimal(FixedPoint.ToDecimal(raw)));
        Assert.Equal(expected, Span(b => ReportFormat.WriteFixedPoint(raw, b)));
    }

    [Fact]
    public void FixedPoint_RandomValues_AreWhatTheDecimalGives()
    {
        var random = new Random(21);
        for (int i = 0; i < 200_000; i++)
        {
            long raw = (i % 4) switch
            {
                0 => random.NextInt64(long.MinValue, long.MaxValue),
                1 => random.NextInt64(-1_000_000_000_000, 1_000_000_000_000),
                2 => random.NextInt64(-100_000, 100_000) * 10_000, // cents
                _ => random.NextInt64(-10_000, 10_000),
            };

            Assert.Equal(ReferenceDecimal(FixedPoint.ToDecimal(raw)), Span(b => ReportFormat.WriteFixedPoint(raw, b)));
        }
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00Z")]
    [InlineData(1L, "1970-01-01T00:00:00.000000001Z")]
    [InlineData(-1L, "1969-12-31T23:59:59.999999999Z")]
    [InlineData(-1_000_000_000L, "1969-12-31T23:59:59Z")]
    [InlineData(1_704_205_800_000_000_000L, "2024-01-02T14:30:00Z")]
    [InlineData(1_704_205_800_120_000_000L, "2024-01-02T14:30:00.12Z")]
    [InlineData(long.MaxValue, "2262-04-11T23:47:16.854775807Z")]
    [InlineData(long.MinValue, "1677-09-21T00:12:43.145224192Z")]
    public void Timestamp_EdgeValues_ArePinnedAndTheReferenceForm(long tsNs, string expected)
    {
        Assert.Equal(expected, ReferenceTimestamp(tsNs));
        Assert.Equal(expected, ReportFormat.Timestamp(tsNs));
        Assert.Equal(expected, Span(b => ReportFormat.WriteTimestamp(tsNs, b)));
    }

    [Fact]
    public void Timestamp_RandomTimes_AreTheReferenceForm()
    {
        var random = new Random(22);
        for (int i = 0; i < 100_000; i++)
        {
            long ts = (i % 3) switch
            {
                0 => random.NextInt64(long.MinValue, long.MaxValue),
                1 => random.NextInt64(-2_000_000_000, 2_000_000_000) * 1_000_000_000, // whole seconds
                _ => random.NextInt64(-2_000_000_000, 2_000_000_000) * 1_000_000_000 + random.Next(1, 1000) * 1_000_000,
            };

            Assert.Equal(ReferenceTimestamp(ts), Span(b => ReportFormat.WriteTimestamp(ts, b)));
        }
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1e-300, "1E-300")]
    [InlineData(-1e-300, "-1E-300")]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(1.0 / 3.0, "0.3333333333")]
    [InlineData(-2.0 / 3.0, "-0.6666666667")]
    [InlineData(0.00001234567891234, "1.234567891E-05")]
    [InlineData(12345678912.0, "12345678910")]
    [InlineData(1.5e300, "1.5E+300")]
    [InlineData(double.MaxValue, "Infinity")] // rounds up past the largest double (as it always has)
    [InlineData(double.Epsilon, "5E-324")]
    [InlineData(0.99999999999, "1")]
    [InlineData(double.NaN, "")]
    [InlineData(double.PositiveInfinity, "")]
    [InlineData(double.NegativeInfinity, "")]
    public void Double_EdgeValues_ArePinnedAndTheReferenceForm(double value, string expected)
    {
        Assert.Equal(expected, ReferenceDouble(value));
        Assert.Equal(expected, ReportFormat.Double(value));
        Assert.Equal(expected, Span(b => ReportFormat.WriteDouble(value, b)));
    }

    [Fact]
    public void Double_NegativeZero_IsZero()
    {
        Assert.Equal("0", ReferenceDouble(-0.0));
        Assert.Equal("0", Span(b => ReportFormat.WriteDouble(-0.0, b)));
        Assert.Equal(0.0, ReportFormat.Round(-0.0));
        Assert.False(double.IsNegative(ReportFormat.Round(-0.0)!.Value));
    }

    [Fact]
    public void Double_RandomValues_AreTheReferenceForm()
    {
        var random = new Random(23);
        for (int i = 0; i < 100_000; i++)
        {
            double value = (i % 3) switch
            {
                0 => BitConverter.Int64BitsToDouble(random.NextInt64()),
                1 => random.NextDouble(),
                _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)),
            };

            Assert.Equal(ReferenceDouble(value), Span(b => ReportFormat.WriteDouble(value, b)));
        }
    }

    [Fact]
    public void LedgerToDecimal_IsTheFixedPointDivision_BitForBit()
    {
        var random = new Random(24);
        long[] edges = [0, 1, -1, 10, -10, 1_000_000, -1_000_000, 1_500_000, 123_456_789, 100_000_000_000, long.MaxValue, long.MinValue, long.MinValue + 1];
        IEnumerable<long> values = edges.Concat(Enumerable.Range(0, 200_000).Select(i => (i % 3) switch
        {
            0 => random.NextInt64(long.MinValue, long.MaxValue),
            1 => random.NextInt64(-100_000, 100_000) * 10_000,
            _ => random.NextInt64(-1_000_000_000, 1_000_000_000),
        }));
        foreach (long raw in values)
        {
            Assert.Equal(decimal.GetBits(FixedPoint.ToDecimal(raw)), decimal.GetBits(SymbolLedger.ToDecimal(raw)));
        }
    }

    [Fact]
    public void ReportTrades_AreTheBytesTheJsonWriterWrites_ForOddSymbolsNullsAndScales()
    {
        long t = TestResults.At(0, 15);
        RoundTripTrade[] trades =
        [
            new("AAA", TradeDirection.Long, t, t + 1, 10m, 0m, 10.5m, 11.25m, 7.5m, 0.000001m, 2, false),
            new("A&B \"<q>\" +'\\", TradeDirection.Short, -1, null, 1.50m, 1.50m, 0.0000000000000000000000000001m, null, -79228162514264337593543950335m, 0m, 1, true),
            new("Ünïcødé€", TradeDirection.Long, long.MaxValue, long.MinValue, 123456789.123456000m, 0.000m, 1m, 1.000m, 0m, -0.5m, int.MaxValue, false),
            new("AAA", TradeDirection.Short, t, t, 0.001m, 0m, 99m, 101m, -2m, 0m, 3, false),
        ];
        BacktestReport report = BacktestMetrics.Compute(TestResults.BuyAndHold()) with { Trades = trades };

        string written = BacktestReportWriter.ToJson(report, deterministic: true);

        using var reference = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(reference, new System.Text.Json.JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            json.WriteStartObject();
            json.WriteStartArray("trades");
            foreach (RoundTripTrade trade in trades)
            {
                // The report's trades as the writer wrote them field by field.
                json.WriteStartObject();
                json.WriteString("symbol", trade.Symbol);
                json.WriteString("direction", trade.Direction == TradeDirection.Long ? "long" : "short");
                json.WriteString("status", trade.IsOpen ? "open" : "closed");
                WriteTime(json, "entry", trade.EntryTsNs);
                WriteTime(json, "exit", trade.ExitTsNs);
                json.WriteNumber("quantity", trade.Quantity);
                json.WriteNumber("open_quantity", trade.OpenQuantity);
                WriteMoney(json, "average_entry_price", trade.AverageEntryPrice);
                WriteMoney(json, "average_exit_price", trade.AverageExitPrice);
                WriteMoney(json, "realized_pnl", trade.RealizedPnl);
                WriteMoney(json, "fees", trade.Fees);
                json.WriteNumber("fills", trade.FillCount);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        string expected = Encoding.UTF8.GetString(reference.ToArray());
        Assert.Equal(Section(expected), Section(written));
        Assert.Contains("\"symbol\": \"A\\u0026B \\u0022\\u003Cq\\u003E\\u0022 \\u002B\\u0027\\\\\"", written, StringComparison.Ordinal);
        Assert.Contains("\"quantity\": 1.50,", written, StringComparison.Ordinal);

        static string Section(string json)
        {
            int start = json.IndexOf("\"trades\": [", StringComparison.Ordinal);
            return json[start..(json.IndexOf("\n  ]", start, StringComparison.Ordinal) + 4)];
        }

        static void WriteTime(System.Text.Json.Utf8JsonWriter json, string name, long? ts)
        {
            if (ts is { } value)
            {
                json.WriteString(name, ReferenceTimestamp(value));
            }
            else
            {
                json.WriteNull(name);
            }
        }

        static void WriteMoney(System.Text.Json.Utf8JsonWriter json, string name, decimal? value)
        {
            json.WritePropertyName(name);
            if (value is { } money)
            {
                json.WriteRawValue(ReferenceDecimal(money));
            }
            else
            {
                json.WriteNullValue();
            }
        }
    }
}
