"""The emisor and receptor the catalogue's documents are built for."""

EMISOR = {
    "rut": "76086428-5",
    "razon_social": "PANADERIA ANA SPA",
    "giro": "Elaboración de pan",
    "actecos": [107100],
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
RECEPTOR = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Hosting",
    "direccion": "Calle 1",
    "comuna": "Curicó",
}
