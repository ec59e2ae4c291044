"""Keep notebooks lean: downscale PNG outputs wider than --max_width and store them with a 64-colour palette.

Usage: python tools/shrink_pngs.py nbs/08_unrolled.ipynb [--max_width 900]
"""
import argparse, base64, io, json
from PIL import Image

def shrink(png_b64: str, max_width: int) -> str:
    img = Image.open(io.BytesIO(base64.b64decode(png_b64))).convert('RGB')
    if img.width > max_width: img = img.resize((max_width, round(img.height * max_width / img.width)), Image.LANCZOS)
    buf = io.BytesIO()
    img.quantize(64).save(buf, format='PNG', optimize=True)
    return base64.b64encode(buf.getvalue()).decode()

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('paths', nargs='+')
    p.add_argument('--max_width', type=int, default=900)
    a = p.parse_args()
    for path in a.paths:
        nb = json.load(open(path))
        for cell in nb['cells']:
            for out in cell.get('outputs', []):
                data = out.get('data', {})
                if 'image/png' in data:
                    new = shrink(data['image/png'], a.max_width)
                    if len(new) < len(data['image/png']):
                        data['image/png'] = new
                        out.get('metadata', {}).pop('image/png', None)  # drop retina width/height hints
        with open(path, 'w') as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write('\n')
