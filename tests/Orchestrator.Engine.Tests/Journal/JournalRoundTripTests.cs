using System.Buffers.Binary;
using System.Text;
using Orchestrator.Core;
using Orchestrator.Engine.Journal;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>What goes into the journal comes back out: every kind, every input field, the texts, across segments.</summary>
public sealed class JournalRoundTripTests
{
    [Fact]
    public void Crc32C_MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void EveryEventKind_RoundTrips_InputFieldsOnly()
    {
        using var dir = new TempDirectory();
        EngineEvent[] inputs = JournalSamples.EveryKind();
        using (var writer = new JournalWriter(dir.Path, new JournalOptions { Fsync = JournalFsync.None }))
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                EngineEvent processed = JournalSamples.WithDerivedFields(inputs[i]);
                writer.AppendEvent(in processed, 100 + i);
            }

            writer.Flush();
        }

        List<(long Sequence, EngineEvent Event)> read = JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn);

        Assert.Null(torn);
        Assert.Equal(inputs.Length, read.Count);
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(100 + i, read[i].Sequence);
            Assert.Equal(inputs[i], read[i].Event); // derived fields and the latency stamp come back default
        }
    }

    [Fact]
    public void SegmentHeader_HasMagicVersionAndFirstSequence()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 3, firstSequence: 42);

        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        Assert.Equal("journal-00000000000000000042.orcj", Path.GetFileName(segment));
        byte[] bytes = File.ReadAllBytes(segment);
        Assert.Equal("ORCJ", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(2, bytes[4]);
        Assert.Equal(42, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)));
        int table = 16 + 8 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16)); // no symbols: the table is its count
        Assert.Equal(16 + 8 + 4, table);
        uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(table));
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(table + 4)), Crc32C.Compute(bytes.AsSpan(table + 8, (int)payloadLength)));
        Assert.Equal((byte)JournalRecordType.EngineEvent, bytes[table + 8]);
    }

    [Fact]
    public void EverySegment_StartsWithTheSymbolTable()
    {
        using var dir = new TempDirectory();
        string[] symbols = ["AAPL", "005930", "BRK.B"];
        var options = new JournalOptions { Fsync = JournalFsync.None, SegmentSizeBytes = 4 * JournalCodec.MaxRecordBytes };
        using (var writer = new JournalWriter(dir.Path, options, symbols))
        {
            for (int i = 0; i < 600; i++)
            {
                EngineEvent e = JournalSamples.Market(EventKind.TradeTick, i);
                writer.AppendEvent(in e, i);
            }
        }

        string[] segments = JournalReader.ListSegments(dir.Path);
        Assert.True(segments.Length > 2);
        foreach (string segment in segments)
        {
            using var single = new TempDirectory();
            File.Copy(segment, Path.Combine(single.Path, Path.GetFileName(segment)));
            using var reader = new JournalReader(single.Path);
            Assert.True(reader.ReadNext());
            Assert.Equal(symbols, reader.SegmentSymbols);
        }
    }

    [Fact]
    public void VersionOneJournal_IsRefusedWithAClearError()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 3);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        byte[] bytes = File.ReadAllBytes(segment);
        bytes[4] = 1;
        File.WriteAllBytes(segment, bytes);

        using var reader = new JournalReader(dir.Path);
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => reader.ReadNext());
        Assert.Contains(segment, error.Message, StringComparison.Ordinal);
        Assert.Contains("format version 1", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 15 item 14: an allowed_symbols list over one record's 4 KiB "could not be journaled", and the daemon crashed.</summary>
    [Theory]
    [InlineData(1_000, 1 << 20)]       // ~10 KB of names: several records
    [InlineData(70_000, 1 << 20)]      // more names than a u16 count: the writer's checked cast threw
    [InlineData(3_000, 64 * 1024)]     // a small write buffer: the records go out in several writes
    public void RiskParameters_WithAnAllowedSymbolsListOfAnyLength_RoundTrip_AndTheNextRecordFollows(int names, int bufferBytes)
    {
        using var dir = new TempDirectory();
        string[] allowed = [.. Enumerable.Range(0, names).Select(i => "SYM" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)), "삼성전자"];
        var written = new Options.RiskParameters(new Options.RiskOptions { AllowedSymbols = allowed, MinConfidence = 0.6m }, new Options.SizingOptions { LotSize = 3 }, new Options.ExitOptions { StopLossFraction = 0.01m });
        Assert.True(JournalRiskCodec.Fits(written));
        using (var writer = new JournalWriter(dir.Path, new JournalOptions { Fsync = JournalFsync.None, BufferSizeBytes = bufferBytes }))
        {
            writer.AppendRiskParameters(written, version: 9, sequence: 4);
            EngineEvent command = new() { Kind = EventKind.Command, SymbolId = -1, Command = CommandKind.ApplyRiskParameters, CommandArg = 9, TsEventNs = 5 };
            writer.AppendEvent(in command, 4);
        }

        using var reader = new JournalReader(dir.Path);
        int riskRecords = 0;
        while (reader.ReadNext() && reader.RecordType != JournalRecordType.EngineEvent)
        {
            Assert.Equal(4, reader.Sequence);
            riskRecords++;
        }

        Assert.Equal(JournalRecordType.EngineEvent, reader.RecordType); // the command follows the whole list
        Assert.True(riskRecords > 1);
        Assert.Equal(9, reader.RiskParametersVersion);
        Assert.Equal(allowed, reader.RiskParameters!.Risk.AllowedSymbols);
        Assert.Equal(written.Risk, reader.RiskParameters.Risk with { AllowedSymbols = allowed });
        Assert.Equal(written.Sizing, reader.RiskParameters.Sizing);
        Assert.Equal(written.Exits, reader.RiskParameters.Exits);
        Assert.False(reader.ReadNext());
        Assert.Null(reader.TornTail);
    }

    [Fact]
    public void RiskParameters_WithASymbolOverTheLimit_DoNotFit()
    {
        var parameters = new Options.RiskParameters(new Options.RiskOptions { AllowedSymbols = ["AAPL", new string('X', JournalRiskCodec.MaxSymbolBytes + 1)] }, new Options.SizingOptions(), new Options.ExitOptions());
        Assert.False(JournalRiskCodec.Fits(parameters));
        Assert.True(JournalRiskCodec.Fits(parameters with { Risk = parameters.Risk with { AllowedSymbols = ["AAPL", new string('X', JournalRiskCodec.MaxSymbolBytes)] } }));
    }

    [Fact]
    public void RiskParametersRecord_RoundTripsEveryField()
    {
        using var dir = new TempDirectory();
        var written = new Options.RiskParameters(
            new Options.RiskOptions
            {
                KillSwitchEngaged = true, MaxDailyLossFraction = 0.0125m, MinConfidence = 0.65m, AllowedSymbols = ["AAPL", "삼성"],
                SessionStartUtc = TimeSpan.FromHours(13.5), SessionEndUtc = TimeSpan.FromHours(20), MaxOrdersPerSecond = 3, MaxOrdersPerMinute = 77,
                MaxOrdersPerDay = 999, MaxOpenOrders = 12, PriceCollarFraction = 0.051m, DuplicateWindow = TimeSpan.FromMilliseconds(1500), AllowShortSelling = true,
            },
            new Options.SizingOptions
            {
                Method = Options.SizingMethod.Volatility, FractionOfEquity = 0.031m, RiskPerTradeFraction = 0.0042m, AtrMultiple = 2.5m, FixedQuantity = 17,
                ScaleByConfidence = false, MaxPositionFraction = 0.21m, MaxOrderNotional = 12_345.67m, MaxConcentrationFraction = 0.33m, LotSize = 5,
            },
            new Options.ExitOptions { StopLossFraction = 0.015m, TakeProfitFraction = 0.045m, TrailingStopFraction = 0.0275m });
        using (var writer = new JournalWriter(dir.Path, new JournalOptions { Fsync = JournalFsync.None }))
        {
            writer.AppendRiskParameters(written, version: 7, sequence: 3);
        }

        using var reader = new JournalReader(dir.Path);
        Assert.True(reader.ReadNext());
        Assert.Equal(JournalRecordType.RiskParameters, reader.RecordType);
        Assert.Equal(3, reader.Sequence);
        Assert.Equal(7, reader.RiskParametersVersion);
        Options.RiskParameters read = reader.RiskParameters!;
        Assert.Equal(written.Risk.AllowedSymbols, read.Risk.AllowedSymbols);
        Assert.Equal(written.Risk, read.Risk with { AllowedSymbols = written.Risk.AllowedSymbols });
        Assert.Equal(written.Sizing, read.Sizing);
        Assert.Equal(written.Exits, read.Exits);
    }

    [Fact]
    public void InternedTexts_AreRebuilt_AndRestatedInEverySegment()
    {
        using var dir = new TempDirectory();
        var sources = new TextInterner();
        var reasons = new TextInterner();
        int agent = sources.Intern("momentum-agent");
        int reason = reasons.Intern("breakout über Widerstand ✓");
        var options = new JournalOptions { Fsync = JournalFsync.None, SegmentSizeBytes = JournalCodec.SegmentHeaderBytes + (3 * JournalCodec.MaxRecordBytes) };
        using (var writer = new JournalWriter(dir.Path, options))
        {
            var handler = new JournalHandler(writer, options, sources, reasons);
            for (long seq = 0; seq < 400; seq++)
            {
                EngineEvent e = seq % 4 == 0
                    ? JournalSamples.EveryKind(agent, reason)[3]
                    : JournalSamples.Market(EventKind.TradeTick, seq);
                handler.OnEvent(ref e, seq, endOfBatch: seq % 8 == 7);
            }
        }

        string[] segments = JournalReader.ListSegments(dir.Path);
        Assert.True(segments.Length > 2, "the run must roll");
        foreach (string segment in segments)
        {
            // Each segment alone names the texts its signals use.
            using var single = new TempDirectory();
            File.Copy(segment, Path.Combine(single.Path, Path.GetFileName(segment)));
            using var reader = new JournalReader(single.Path);
            int signals = 0;
            while (reader.ReadNext())
            {
                if (reader.RecordType == JournalRecordType.EngineEvent)
                {
                    EngineEvent e = default;
                    reader.ReadEvent(ref e);
                    if (e.Kind == EventKind.TradeSignal)
                    {
                        signals++;
                        Assert.Equal("momentum-agent", reader.GetText(JournalTextTable.Sources, e.SourceId));
                        Assert.Equal("breakout über Widerstand ✓", reader.GetText(JournalTextTable.Reasons, e.ReasonId));
                    }
                }
            }

            Assert.Null(reader.TornTail);
            Assert.True(signals > 0);
        }
    }

    [Fact]
    public void Segments_RollAtTheConfiguredSize_AndReadBackInOrder()
    {
        using var dir = new TempDirectory();
        long segmentSize = JournalCodec.SegmentHeaderBytes + JournalCodec.MaxRecordBytes + 1_000;
        JournalSamples.WriteTicks(dir.Path, 1_000, batch: 7, new JournalOptions { Fsync = JournalFsync.None, SegmentSizeBytes = segmentSize });

        string[] segments = JournalReader.ListSegments(dir.Path);
        Assert.True(segments.Length > 10);
        foreach (string segment in segments)
        {
            Assert.True(new FileInfo(segment).Length <= segmentSize);
            byte[] header = new byte[JournalCodec.SegmentHeaderBytes];
            using (FileStream file = File.OpenRead(segment))
            {
                file.ReadExactly(header);
            }

            Assert.True(JournalCodec.TryReadSegmentHeader(header, out long first));
            Assert.Equal(JournalWriter.SegmentFileName(first), Path.GetFileName(segment));
        }

        List<(long Sequence, EngineEvent Event)> read = JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn);
        Assert.Null(torn);
        Assert.Equal(1_000, read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.Equal(i, read[i].Sequence);
            Assert.Equal(JournalSamples.Market(EventKind.TradeTick, i), read[i].Event);
        }
    }

    [Fact]
    public void Restart_ContinuesAtNextSequence_InANewSegment()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 10);
        long next = JournalReader.NextSequence(dir.Path);
        Assert.Equal(10, next);

        JournalSamples.WriteTicks(dir.Path, 5, firstSequence: next);

        Assert.Equal(2, JournalReader.ListSegments(dir.Path).Length);
        List<(long Sequence, EngineEvent Event)> read = JournalSamples.ReadEvents(dir.Path, out _);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), read.Select(r => r.Sequence));
        Assert.Equal(15, JournalReader.NextSequence(dir.Path));
    }

    [Fact]
    public void Writer_NeverOverwritesASegmentWithRecords()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 3);

        Assert.ThrowsAny<IOException>(() => JournalSamples.WriteTicks(dir.Path, 3));
        Assert.Equal(3, JournalSamples.ReadEvents(dir.Path, out _).Count);
    }

    [Fact]
    public void LongText_IsCutAtACharacterBoundary()
    {
        using var dir = new TempDirectory();
        string text = new('é', JournalCodec.MaxTextBytes); // 2 bytes each in UTF-8
        using (var writer = new JournalWriter(dir.Path, new JournalOptions { Fsync = JournalFsync.None }))
        {
            writer.AppendText(JournalTextTable.Reasons, 7, text, 0);
        }

        using var reader = new JournalReader(dir.Path);
        Assert.True(reader.ReadNext());
        Assert.Equal(JournalRecordType.TextInterned, reader.RecordType);
        Assert.Equal(7, reader.TextId);
        Assert.Equal(text[..(JournalCodec.MaxTextBytes / 2)], reader.Text);
    }
}
