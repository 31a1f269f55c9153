using Orchestrator.Engine.Journal;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>A torn last record is cut; a damaged record anywhere else stops recovery with its segment and offset.</summary>
public sealed class JournalDamageTests
{
    [Theory]
    [InlineData(5)]   // inside the payload
    [InlineData(40)]  // inside the payload, near its start
    public void TornLastRecord_ReaderReturnsEverythingBefore_AndTruncationCleansTheJournal(int bytesKeptOfLastRecord)
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 20, batch: 4);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long lastRecord = JournalSamples.RecordOffsets(dir.Path, segment)[^1];
        long fullLength = new FileInfo(segment).Length;
        Cut(segment, lastRecord + bytesKeptOfLastRecord);

        List<(long Sequence, Core.EngineEvent Event)> read = JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn);

        Assert.Equal(19, read.Count);
        Assert.NotNull(torn);
        Assert.Equal(segment, torn.SegmentPath);
        Assert.Equal(lastRecord, torn.GoodLength);
        Assert.Equal(bytesKeptOfLastRecord, torn.BytesCut);
        Assert.True(fullLength > torn.FileLength);

        byte[] tail = File.ReadAllBytes(segment)[(int)lastRecord..];
        JournalTornTail? cut = JournalReader.TruncateTornTail(dir.Path);

        Assert.Equal(torn, cut! with { KeptPath = null });
        Assert.Equal(tail, File.ReadAllBytes(cut.KeptPath!)); // the cut bytes are kept, not lost
        Assert.Equal(lastRecord, new FileInfo(segment).Length);
        Assert.Equal(19, JournalSamples.ReadEvents(dir.Path, out JournalTornTail? after).Count);
        Assert.Null(after);
        Assert.Null(JournalReader.TruncateTornTail(dir.Path));
        Assert.Equal(19, JournalReader.NextSequence(dir.Path));
    }

    [Fact]
    public void TornRecordHeader_IsATornTail()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 5);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long end = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write([0x4A, 0x00, 0x00]); // three bytes of the next record's length
        }

        Assert.Equal(5, JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn).Count);
        Assert.Equal(end, torn!.GoodLength);
        JournalTornTail? cut = JournalReader.TruncateTornTail(dir.Path);
        Assert.Equal(torn, cut! with { KeptPath = null });
        Assert.Equal(new byte[] { 0x4A, 0x00, 0x00 }, File.ReadAllBytes(cut.KeptPath!));
        Assert.Equal(end, new FileInfo(segment).Length);
    }

    [Fact]
    public void ZeroFilledTail_IsATornTail()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 5);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long end = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(new byte[10_000]); // the OS extended the file; the data never arrived
        }

        Assert.Equal(5, JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn).Count);
        Assert.Equal(end, torn!.GoodLength);
    }

    [Fact]
    public void ZeroFilledTail_IsCut_AndTheZerosAreKeptAside()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 5);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long end = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(new byte[10_000]);
        }

        JournalTornTail? cut = JournalReader.TruncateTornTail(dir.Path);

        Assert.Equal(end, new FileInfo(segment).Length);
        Assert.Equal(new byte[10_000], File.ReadAllBytes(cut!.KeptPath!));
        Assert.Equal(Path.GetDirectoryName(segment), Path.GetDirectoryName(cut.KeptPath));
        Assert.EndsWith(".torn", cut.KeptPath, StringComparison.Ordinal);
    }

    [Fact]
    public void TornSegmentHeader_MovesTheSegmentAside_NeverDeletesIt()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 5);
        string second = Path.Combine(dir.Path, JournalWriter.SegmentFileName(5));
        File.WriteAllBytes(second, "ORC"u8.ToArray());

        Assert.Equal(5, JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn).Count);
        Assert.Equal(0, torn!.GoodLength);
        JournalTornTail? cut = JournalReader.TruncateTornTail(dir.Path);
        Assert.False(File.Exists(second));
        Assert.Equal("ORC"u8.ToArray(), File.ReadAllBytes(cut!.KeptPath!));
        Assert.Equal(5, JournalReader.NextSequence(dir.Path));
    }

    /// <summary>Issue 15 item 1: a whole segment overwritten with zeros was taken for a torn tail and deleted.</summary>
    [Theory]
    [InlineData(1)] // the only segment
    [InlineData(3)] // the last of several
    public void ZeroedWholeLastSegment_IsCorruption_NamingSegmentAndOffset_AndNothingIsCut(int segmentsWanted)
    {
        using var dir = new TempDirectory();
        var options = new JournalOptions { Fsync = JournalFsync.None, SegmentSizeBytes = segmentsWanted == 1 ? 1 << 20 : JournalCodec.SegmentHeaderBytes + JournalCodec.MaxRecordBytes + 500 };
        JournalSamples.WriteTicks(dir.Path, segmentsWanted == 1 ? 20 : 120, options: options);
        string[] segments = JournalReader.ListSegments(dir.Path);
        Assert.True(segments.Length >= segmentsWanted);
        string last = segments[^1];
        File.WriteAllBytes(last, new byte[new FileInfo(last).Length]);

        var error = Assert.Throws<JournalCorruptException>(() => JournalReader.TruncateTornTail(dir.Path));

        Assert.Equal(last, error.SegmentPath);
        Assert.Equal(0, error.Offset);
        Assert.Contains(last, error.Message, StringComparison.Ordinal);
        Assert.Contains("offset 0", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(last));
        Assert.Equal(segments, JournalReader.ListSegments(dir.Path));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.torn"));
    }

    [Fact]
    public void ZeroedMiddle_WithRecordsAfterIt_IsCorruption()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 20);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        List<long> offsets = JournalSamples.RecordOffsets(dir.Path, segment);
        byte[] bytes = File.ReadAllBytes(segment);
        Array.Clear(bytes, (int)offsets[5], (int)(offsets[9] - offsets[5]));
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<JournalCorruptException>(() => JournalReader.TruncateTornTail(dir.Path));
        Assert.Equal(offsets[5], error.Offset);
        Assert.Equal(bytes, File.ReadAllBytes(segment));
    }

    /// <summary>Issue 15 item 1: the usual lost-page shape — the last record's start reached the disk, the rest of its page did not.</summary>
    [Theory]
    [InlineData(20, 0)]     // zeros from inside the last record to the end of the file
    [InlineData(20, 4000)]  // ... and on past it: the OS extended the file with a zero page
    [InlineData(9, 4000)]   // the length and part of the checksum survived
    public void ZerosFromMidLastRecordToTheEnd_AreCut_KeptAside_AndReplayHasEverythingBefore(int keptOfLastRecord, int zerosAfter)
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 20);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long lastRecord = JournalSamples.RecordOffsets(dir.Path, segment)[^1];
        byte[] bytes = File.ReadAllBytes(segment);
        Array.Clear(bytes, (int)lastRecord + keptOfLastRecord, bytes.Length - (int)lastRecord - keptOfLastRecord);
        byte[] damaged = [.. bytes, .. new byte[zerosAfter]];
        File.WriteAllBytes(segment, damaged);

        JournalTornTail? cut = JournalReader.TruncateTornTail(dir.Path);

        Assert.NotNull(cut);
        Assert.Equal(lastRecord, cut.GoodLength);
        Assert.Equal(lastRecord, new FileInfo(segment).Length);
        Assert.Equal(damaged.AsSpan((int)lastRecord).ToArray(), File.ReadAllBytes(cut.KeptPath!));
        List<(long Sequence, Core.EngineEvent Event)> read = JournalSamples.ReadEvents(dir.Path, out JournalTornTail? after);
        Assert.Null(after);
        Assert.Equal(Enumerable.Range(0, 19).Select(i => (long)i), read.Select(r => r.Sequence));
    }

    [Fact]
    public void ChecksumMismatchInTheMiddle_IsCorruption_NamingSegmentAndOffset()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 20, batch: 3);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long victim = JournalSamples.RecordOffsets(dir.Path, segment)[10];
        FlipByte(segment, victim + JournalCodec.RecordHeaderBytes + 20);
        byte[] before = File.ReadAllBytes(segment);

        using var reader = new JournalReader(dir.Path);
        int read = 0;
        var error = Assert.Throws<JournalCorruptException>(() =>
        {
            while (reader.ReadNext())
            {
                read++;
            }
        });

        Assert.Equal(10, read); // every record before the bad one, none after
        Assert.Equal(segment, error.SegmentPath);
        Assert.Equal(victim, error.Offset);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Contains(segment, error.Message, StringComparison.Ordinal);
        Assert.Contains(victim.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);

        Assert.Throws<JournalCorruptException>(() => JournalReader.TruncateTornTail(dir.Path));
        Assert.Equal(before, File.ReadAllBytes(segment)); // recovery cuts nothing on corruption
    }

    [Fact]
    public void ImpossibleLengthInTheMiddle_IsCorruption()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 20);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long victim = JournalSamples.RecordOffsets(dir.Path, segment)[3];
        FlipByte(segment, victim + 3); // the length's high byte: far past the end of the file

        var error = Assert.Throws<JournalCorruptException>(() => JournalSamples.ReadEvents(dir.Path, out _));
        Assert.Equal(victim, error.Offset);
    }

    [Fact]
    public void ChecksumMismatchInTheLastRecord_IsATornTail()
    {
        using var dir = new TempDirectory();
        JournalSamples.WriteTicks(dir.Path, 20);
        string segment = Assert.Single(JournalReader.ListSegments(dir.Path));
        long last = JournalSamples.RecordOffsets(dir.Path, segment)[^1];
        FlipByte(segment, last + JournalCodec.RecordHeaderBytes + 12);

        Assert.Equal(19, JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn).Count);
        Assert.Equal(last, torn!.GoodLength);
        Assert.Contains("checksum", torn.Reason, StringComparison.Ordinal);

        JournalReader.TruncateTornTail(dir.Path);
        Assert.Equal(19, JournalSamples.ReadEvents(dir.Path, out JournalTornTail? after).Count);
        Assert.Null(after);
    }

    [Fact]
    public void ChecksumMismatchInTheLastRecordOfAnEarlierSegment_IsCorruption()
    {
        using var dir = new TempDirectory();
        var options = new JournalOptions { Fsync = JournalFsync.None, SegmentSizeBytes = JournalCodec.SegmentHeaderBytes + JournalCodec.MaxRecordBytes + 500 };
        JournalSamples.WriteTicks(dir.Path, 200, options: options);
        string[] segments = JournalReader.ListSegments(dir.Path);
        Assert.True(segments.Length > 2);
        long last = JournalSamples.RecordOffsets(dir.Path, segments[0])[^1];
        FlipByte(segments[0], last + JournalCodec.RecordHeaderBytes + 12);

        var error = Assert.Throws<JournalCorruptException>(() => JournalSamples.ReadEvents(dir.Path, out _));
        Assert.Equal(segments[0], error.SegmentPath);
        Assert.Equal(last, error.Offset);
    }

    private static void Cut(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }
}
