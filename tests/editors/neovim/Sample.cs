namespace Sample;

public sealed class Counter
{
    private int _count;

    public int Increment()
    {
        _count++;
        return _count;
    }

    public void Reset()
    {
        
    }
}
