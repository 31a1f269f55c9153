using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Orchestrator.Engine.Snapshots;

/// <summary>Reads what <see cref="StateWriter"/> wrote, in the same order (recovery, slow path).</summary>
public ref struct StateReader
{
    private readonly ReadOnlySpan<byte> _source;

    public StateReader(ReadOnlySpan<byte> source)
    {
        _source = source;
        Position = 0;
    }

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    public byte Byte() => _source[Position++];

    public bool Bool() => Byte() != 0;

    public int Int32()
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(_source[Position..]);
        Position += 4;
        return value;
    }

    public long Int64()
    {
        long value = BinaryPrimitives.ReadInt64LittleEndian(_source[Position..]);
        Position += 8;
        return value;
    }

    public double Double() => BitConverter.Int64BitsToDouble(Int64());

    public Int128 Int128()
    {
        ulong lower = (ulong)Int64();
        long upper = Int64();
        return new Int128((ulong)upper, lower);
    }

    public void Int64s(long[] into) => Block(MemoryMarshal.AsBytes(into.AsSpan()));

    public void Int32s(int[] into) => Block(MemoryMarshal.AsBytes(into.AsSpan()));

    public void Doubles(double[] into) => Block(MemoryMarshal.AsBytes(into.AsSpan()));

    public void Records<T>(T[] into)
        where T : unmanaged => Block(MemoryMarshal.AsBytes(into.AsSpan()));

    public void Bools(bool[] into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = Bool();
        }
    }

    /// <summary>Reads what <see cref="StateWriter.Text"/> wrote with the same width (allocates the string).</summary>
    public string Text(int widthChars)
    {
        int length = Int32();
        if ((uint)length > (uint)widthChars)
        {
            throw new InvalidDataException("A snapshot text field is longer than its width.");
        }

        string text = new(MemoryMarshal.Cast<byte, char>(_source.Slice(Position, length * sizeof(char))));
        Position += widthChars * sizeof(char);
        return text;
    }

    private void Block(Span<byte> into)
    {
        if (!BitConverter.IsLittleEndian)
        {
            StateWriter.ThrowBigEndian();
        }

        _source.Slice(Position, into.Length).CopyTo(into);
        Position += into.Length;
    }
}
