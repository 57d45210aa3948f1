"""Between the customer and the seller: the customer's delivery instructions and feedback, and
the seller's name, logo, colour and contact shown to the customer (branding)."""
